#!/usr/bin/env python3
"""Check that the requirements in spec/*.md and spec/requirements.json agree.

A requirement is a paragraph of a spec/*.md file that starts with its id, level, roles and
title, for example:

    **EACP-TLS-001** (MUST, agent, server): *TLS 1.2 only.* Every EACP connection ...

The check fails with exit status 1 when an id is defined twice or when the text mentions an id
that no requirement defines. It also fails when the markdown and requirements.json differ in an
id, level, set of roles, area, title, text or section. With --write the script rewrites
requirements.json from the markdown instead. Standard library only.
"""

import argparse
import json
import re
import sys
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent
JSON_PATH = SPEC_DIR / "requirements.json"
SCHEMA_VERSION = 1

AREAS = (
    "TLS TRANSPORT ENCODING VERSION CONTENT HEARTBEAT EVENT STATUS LOG ACTION PUSH UPLOAD "
    "TERMINAL UPGRADE PROXY ISOLATION ENROLL ERROR LIMIT"
).split()
LEVELS = ("MUST", "SHOULD", "MAY")
ROLES = ("agent", "server")

# The order in which the documents read; files not listed follow in name order.
DOCUMENT_ORDER = ("README.md", "transport.md", "actions.md", "errors.md", "agent-contract.md")

DEFINITION = re.compile(
    r"^\*\*(?P<id>EACP-(?P<area>[A-Z]+)-(?P<number>\d{3}))\*\* "
    r"\((?P<level>[A-Z]+), (?P<roles>[a-z]+(?:, [a-z]+)*)\): "
    r"\*(?P<title>[^*]+)\*\s*(?P<text>.*)$",
    re.DOTALL,
)
ANY_ID = re.compile(r"\bEACP-[A-Z]+-\d{3}\b")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


class SpecError(Exception):
    """A problem in the markdown that prevents building the requirement list."""


def heading_anchor(title, used):
    """Return the anchor GitHub gives a heading, made unique against `used`."""
    text = re.sub(r"`", "", title).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    anchor = text.replace(" ", "-")
    count = used.get(anchor, 0)
    used[anchor] = count + 1
    return anchor if count == 0 else f"{anchor}-{count}"


def requirement_lines(lines, start):
    """Return the lines of the requirement that starts at `start`, and the index after them.

    A requirement is its paragraph plus any list that follows it directly, because some
    requirements end in a list of cases.
    """
    collected = [lines[start]]
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if line.strip():
            collected.append(line)
            index += 1
            continue
        following = index + 1
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following < len(lines) and re.match(r"^(- |  )", lines[following]):
            index = following
            continue
        break
    return collected, index


def join_text(lines):
    """Join markdown lines into one line of text, keeping list items apart."""
    parts = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("- ") and parts:
            parts.append("\n" + stripped)
        else:
            parts.append((" " if parts else "") + stripped)
    return "".join(parts).replace(" \n", "\n")


def parse_requirement(path, line_number, lines, section):
    """Parse one requirement; raise SpecError naming the file and line when it is malformed."""
    match = DEFINITION.match(join_text(lines))
    where = f"{path.name}:{line_number}"
    if not match:
        raise SpecError(
            f"{where}: a requirement must start with '**EACP-AREA-NNN** (LEVEL, role[, role]): *Title.*'"
        )
    roles = match["roles"].split(", ")
    if match["area"] not in AREAS:
        raise SpecError(f"{where}: unknown area {match['area']!r}; expected one of {', '.join(AREAS)}")
    if match["level"] not in LEVELS:
        raise SpecError(f"{where}: invalid level {match['level']!r}; expected MUST, SHOULD or MAY")
    if any(role not in ROLES for role in roles) or len(set(roles)) != len(roles):
        raise SpecError(f"{where}: invalid roles {match['roles']!r}; expected agent, server or both")
    return {
        "id": match["id"],
        "level": match["level"],
        "roles": sorted(roles),
        "area": match["area"],
        "title": match["title"].strip().rstrip("."),
        "text": match["text"].strip(),
        "section": section,
    }


def read_markdown(path):
    """Return the requirements defined in one markdown file and every id it mentions."""
    lines = path.read_text(encoding="utf-8").splitlines()
    used_anchors = {}
    section = path.name
    requirements = []
    mentions = set()
    index = 0
    in_code = False
    while index < len(lines):
        line = lines[index]
        if line.startswith("```"):
            in_code = not in_code
        heading = None if in_code else HEADING.match(line)
        if heading:
            section = f"{path.name}#{heading_anchor(heading.group(2), used_anchors)}"
        mentions.update(ANY_ID.findall(line))
        if not in_code and line.startswith("**EACP-"):
            block, index = requirement_lines(lines, index)
            requirements.append(parse_requirement(path, index - len(block) + 1, block, section))
            for extra in block[1:]:
                mentions.update(ANY_ID.findall(extra))
            continue
        index += 1
    return requirements, mentions


def markdown_files():
    """Return the spec's markdown files in reading order."""
    files = sorted(SPEC_DIR.glob("*.md"))
    rank = {name: position for position, name in enumerate(DOCUMENT_ORDER)}
    return sorted(files, key=lambda path: (rank.get(path.name, len(rank)), path.name))


def collect_requirements():
    """Return all requirements in reading order; raise SpecError on duplicates or dangling ids."""
    requirements = []
    mentions = set()
    for path in markdown_files():
        found, mentioned = read_markdown(path)
        requirements.extend(found)
        mentions |= mentioned

    seen = {}
    for requirement in requirements:
        if requirement["id"] in seen:
            raise SpecError(
                f"{requirement['id']} is defined twice: in {seen[requirement['id']]} and {requirement['section']}"
            )
        seen[requirement["id"]] = requirement["section"]

    dangling = sorted(mentions - set(seen))
    if dangling:
        raise SpecError(f"the text mentions ids that no requirement defines: {', '.join(dangling)}")
    return requirements


def compare(markdown, document):
    """Return a list of differences between the markdown requirements and the JSON document."""
    problems = []
    if document.get("schema_version") != SCHEMA_VERSION:
        problems.append(f"schema_version is {document.get('schema_version')!r}, expected {SCHEMA_VERSION}")

    listed = document.get("requirements", [])
    by_id = {}
    for entry in listed:
        if entry.get("id") in by_id:
            problems.append(f"{entry.get('id')} appears twice in requirements.json")
        by_id[entry.get("id")] = entry

    expected = {requirement["id"]: requirement for requirement in markdown}
    for missing in sorted(set(expected) - set(by_id)):
        problems.append(f"{missing} is in the markdown but not in requirements.json")
    for extra in sorted(set(by_id) - set(expected)):
        problems.append(f"{extra} is in requirements.json but not in the markdown")

    for identifier in sorted(set(expected) & set(by_id)):
        for field, value in expected[identifier].items():
            if by_id[identifier].get(field) != value:
                problems.append(
                    f"{identifier}: {field} is {by_id[identifier].get(field)!r} in requirements.json "
                    f"but {value!r} in the markdown"
                )
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", action="store_true", help="rewrite requirements.json from the markdown instead of checking it"
    )
    arguments = parser.parse_args()

    try:
        requirements = collect_requirements()
    except SpecError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    if arguments.write:
        document = {"schema_version": SCHEMA_VERSION, "requirements": requirements}
        JSON_PATH.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {len(requirements)} requirements to {JSON_PATH.name}")
        return 0

    try:
        document = json.loads(JSON_PATH.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        print(f"error: cannot read {JSON_PATH.name}: {error}", file=sys.stderr)
        return 1

    problems = compare(requirements, document)
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        print(
            f"{len(problems)} difference(s) between the markdown and {JSON_PATH.name}; "
            "fix the text, or run this script with --write when the markdown is right",
            file=sys.stderr,
        )
        return 1

    print(f"ok: {len(requirements)} requirements agree between the markdown and {JSON_PATH.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

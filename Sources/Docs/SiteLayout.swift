/// The frame of every HTML page: the head with the inline style sheet, and the navigation bar.
enum SiteLayout {
    static func page(
        title: String, main: String, navigation: [(title: String, href: String, isCurrent: Bool)]
    )
        -> String
    {
        let links = navigation.map { entry in
            let current = entry.isCurrent ? " aria-current=\"page\"" : ""
            return "<a href=\"\(HTMLText.escape(entry.href))\"\(current)>\(HTMLText.escape(entry.title))</a>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(title)) · EACP</title>
            <style>
            \(styleSheet)
            </style>
            </head>
            <body>
            <nav><span class="brand">EACP v1</span>
            \(links.joined(separator: "\n"))
            </nav>
            <main>
            \(main)
            </main>
            </body>
            </html>

            """
    }

    /// System fonts only, so that the page loads nothing from the network.
    static let styleSheet = """
        :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --tint: #f6f8fa;
          --accent: #0b5cad; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--ink); background: #fff; line-height: 1.55;
          font: 16px/1.55 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif; }
        nav { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem;
          align-items: baseline; padding: 0.6rem 1.5rem; background: #24292f; }
        nav a { color: #e6edf3; text-decoration: none; font-size: 0.92rem; }
        nav a:hover, nav a[aria-current] { color: #fff; text-decoration: underline; }
        nav .brand { color: #fff; font-weight: 700; margin-right: 0.5rem; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
        h1 { font-size: 2rem; border-bottom: 1px solid var(--line); padding-bottom: 0.3rem; }
        h2 { font-size: 1.45rem; margin-top: 2.2rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
        h3 { font-size: 1.15rem; margin-top: 1.8rem; }
        h4 { font-size: 1rem; margin-top: 1.5rem; }
        a { color: var(--accent); }
        code { font: 0.86em/1.4 "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
          background: var(--tint); border-radius: 4px; padding: 0.1em 0.3em; overflow-wrap: anywhere; }
        pre { background: var(--tint); border: 1px solid var(--line); border-radius: 6px; padding: 0.8rem 1rem;
          overflow-x: auto; }
        pre code { background: none; padding: 0; overflow-wrap: normal; }
        .table { overflow-x: auto; margin: 1rem 0; }
        table { border-collapse: collapse; font-size: 0.92rem; }
        th, td { border: 1px solid var(--line); padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
        th { background: var(--tint); white-space: nowrap; }
        tbody tr:nth-child(even) { background: #fbfcfd; }
        /* Identifiers in tables stay whole; the table scrolls sideways when they do not fit. */
        td code { white-space: nowrap; overflow-wrap: normal; }
        h2 code, h3 code, h4 code { background: none; padding: 0; font-size: 0.95em; }
        figure.diagram { margin: 1rem 0; overflow-x: auto; }
        figure.diagram svg { max-width: 100%; height: auto; }
        details { margin-top: 0.5rem; color: var(--muted); }
        p[id] { scroll-margin-top: 3.5rem; }
        h1, h2, h3, h4 { scroll-margin-top: 3.5rem; }
        """
}

import ProtoGen

// Placeholder entry point; the generator command line lands here.
print("eacp-protogen: not built yet")

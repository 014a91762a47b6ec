"""The command language: text from any surface is parsed once into a typed command, and each command has one
handler that answers with a platform-neutral reply."""

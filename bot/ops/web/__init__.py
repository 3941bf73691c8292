"""The website chat widget (widget.js, widget.css), its demo page and the static server."""

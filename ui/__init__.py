"""The chat page's static files (chat.css), shipped inside the package as `rag.ui`."""

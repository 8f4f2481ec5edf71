"""The Textual app: the article list, the reader and their dialogs."""

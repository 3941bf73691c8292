"""Rasa adapters: the server's fixes, tracker and lock stores, channels."""

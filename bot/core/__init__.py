"""The porting domain: catalog, notices, values, validators, fixes, replies, orders, secrets. No Rasa, no web."""

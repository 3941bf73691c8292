"""Port orders: plain records (`records`), their tables (`tables`), the store over them (`store`),
identity checks and lock-out (`identity`) and the demo data (`demo`).

Nothing is imported here, so the records can be used without loading SQLAlchemy.
"""

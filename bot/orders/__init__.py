"""Port orders: the store (repository over SQLAlchemy), identity checks and the demo data."""
from bot.orders.models import NewOrder, OrderStatus, PortOrder
from bot.orders.store import InvalidChange, OrderStore, OrderStoreUnavailable, UnknownOrder

__all__ = ["InvalidChange", "NewOrder", "OrderStatus", "OrderStore", "OrderStoreUnavailable", "PortOrder",
           "UnknownOrder"]

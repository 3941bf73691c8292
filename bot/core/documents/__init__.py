"""Documents of a port order: the Letter of Authorization the customer signs (`loa`), the check of
an uploaded bill (`intake`), where the bytes of both are kept (`storage`) and the signed links to
the pages that show them (`links`). `bot.core.orders.documents` puts them together with the
order store.

Nothing is imported here: the PDF, date and S3 libraries are slow to load and each caller needs
only one of them.
"""

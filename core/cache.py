"""Django's database cache with an atomic ``incr`` that keeps the entry's expiry.

The embedded install has no Redis, yet several web processes must agree on rate-limit counters
(django-ratelimit counts with ``cache.add`` then ``cache.incr``). Django's ``DatabaseCache.incr`` is
a read then a ``set``: two processes can both read 4 and both write 5, and the ``set`` restarts the
entry's timeout. Here the read and the write happen in one transaction holding the row (``SELECT …
FOR UPDATE`` where the database has it; on SQLite the project's ``IMMEDIATE`` transactions take the
write lock at ``BEGIN``), and only the value is rewritten.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # set by BaseDatabaseCache.__init__; not in the stubs
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} WHERE {quote('cache_key')} = %s{lock}",  # noqa: S608
                [key],
            )
            row = cursor.fetchone()
            if row is not None:
                expression = models.Expression(output_field=models.DateTimeField())
                expires = row[1]
                for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
                    connection
                ):
                    expires = converter(expires, expression, connection)
                if expires < tz_now():
                    row = None
            if row is None:
                raise ValueError(f"Key '{key}' not found.")
            # The same encoding as Django's DatabaseCache (values this cache wrote itself).
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode(), validate=True))  # noqa: S301
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",  # noqa: S608
                [encoded, key],
            )
        return value

"""OpenLink Virtuoso 7 (open-source edition), as tested on every CI run (Debian's virtuoso-opensource 7.2).

- An update request of several operations is **not** one transaction: operations before a failing one stay
  committed (seen with ``DROP``, ``MOVE``, ``INSERT DATA`` followed by an error, also under
  ``DEFINE sql:log-enable 1``). Its Graph Store ``PUT`` is not atomic either: a malformed upload answers 500
  after the old graph was deleted and part of the new data committed.
- The Graph Store Protocol endpoint (``/sparql-graph-crud-auth``) names the graph with ``graph-uri``.
- A query cut short by ``MaxQueryExecutionTime`` is answered with 200 and partial rows ("anytime" results),
  flagged only by an ``X-SQL-State`` header: that is an error here, not a short answer.
- An ``ASK`` is sometimes answered as a one-column table (``__ASK_RETVAL``).
- An update it has acknowledged can be lost in part when the server is killed right after it (seen in the
  kill tests: graphs a finished swap had moved came back short after a restart). After a swap coopgraph asks
  for a checkpoint (``bif:exec("checkpoint")``, which needs the dba's rights: a user without them keeps
  Virtuoso's own durability, its periodic checkpoints).
- One update request of a few thousand operations fails ("SPARQL compiler: memory exhausted", seen with the
  4,164 ``MOVE``s of a million-triple load): requests are cut at 200 operations.
- It writes SPARQL XML results about three times as fast as JSON (16,000 rows: 0.7 s against 2.1 s, the
  same rows): queries ask for XML.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coopgraph.errors import StoreError
from coopgraph.stores.flavours import Flavour

if TYPE_CHECKING:
    from coopgraph.stores.remote import RemoteStore


@dataclass(frozen=True)
class _Virtuoso(Flavour):
    def check_answer(self, headers: Mapping[str, str], where: str) -> None:
        state = headers.get("X-SQL-State")
        if state:
            message = " ".join(str(headers.get("X-SQL-Message", state)).split())[:160]
            raise StoreError(f"{where}: the store stopped the query and sent incomplete results ({message})")

    def fix_answer(self, document: dict, *, ask: bool) -> dict:
        if ask and "boolean" not in document:
            rows = document.get("results", {}).get("bindings", [])
            values = [term.get("value") for row in rows for term in row.values()]
            return {"head": {}, "boolean": any(value in ("1", "true") for value in values)}
        return document

    def after_swap(self, store: RemoteStore) -> None:
        if store.update_endpoint:
            with contextlib.suppress(StoreError):  # not the dba: Virtuoso's own checkpoints will do it
                store.query_at(store.update_endpoint, 'SELECT (<bif:exec>("checkpoint") AS ?done) {}')


VIRTUOSO = _Virtuoso(
    "virtuoso",
    atomic_update=False,
    graph_param="graph-uri",
    server_word="virtuoso",
    operations_per_request=200,
    results="xml",
)

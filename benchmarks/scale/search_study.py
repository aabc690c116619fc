"""Search design study (issue 13, item 1): candidate indexes side by side on the scale archive.

    .venv/bin/python benchmarks/scale/search_study.py --database bulletin_scale

Works on a copy of the archive's search entries (``publishing_searchentry``) in a schema of its
own, ``search_study`` (dropped and rebuilt on every run; the product's tables are only read):

- **jieba**: words from jieba (search mode for documents, precise mode for the query) in a
  ``tsvector`` (``simple`` configuration, title weighted A, authors and tags B), GIN index;
  a term is the phrase of its words.
- **bigram**: every CJK character and every pair of neighbouring CJK characters, Latin words
  and numbers lowercased, as a ``tsvector`` with positions and the same weights, GIN index.
  Queried two ways: the phrase of the term's bigrams (exact, but GIN must recheck the stored
  vector) and the AND of its bigrams (no recheck; a term of one character is its unigram).
- **trigram**: pg_trgm GIN indexes as the product has them (one per column), queried with
  ``LIKE`` / ``ILIKE`` so they can be used, and one index on the concatenated text. Today's
  query (Django's ``icontains``: ``UPPER(col) LIKE UPPER(…)``) is measured on the product table.

For each term (数, 数据, 贸易, 数字贸易, CPTPP and the two-term query 数据 跨境): matches against the
substring truth (recall, precision), EXPLAIN ANALYZE of the match (median execution time of
``--runs``, plan of the last run), and the whole page query — access filter for a member and for
an anonymous visitor, ordering, LIMIT 20 — for the ordering strategies that matter. Also build
time, sizes, the cost at publish time (re-indexing one issue), jieba's start-up cost in a web
worker, and highlighting. Results: var/bench/results/search-*.json and a summary on stdout.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import time

import psycopg
from environment import PG_URL, PYTHON, ROOT, VAR, check_name, load, setup_django

TERMS = ["数", "数据", "贸易", "数字贸易", "CPTPP", "数据 跨境"]
FIELDS = ("title", "authors", "tags", "body_text")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# A run of CJK characters, or a Latin word / number.
TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z\u00c0-\u024f]+")


# =========================================================================== text → terms


def grams(text: str) -> list[tuple[int, str]]:
    """(position, term) of every unigram and bigram of CJK runs and every Latin/number word."""
    out: list[tuple[int, str]] = []
    for match in TOKEN.finditer(text):
        run, start = match.group(0), match.start()
        if CJK.fullmatch(run[0]):
            for i, char in enumerate(run):
                out.append((start + i, char))
                if i + 1 < len(run):
                    out.append((start + i, run[i:i + 2]))
        else:
            out.append((start, run.lower()))
    return out


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def bigram_vector(fields: list[tuple[str, str]]) -> str:
    """A tsvector literal: positions start at 1, fields follow each other with a gap, weights
    per field (A title, B authors/tags, D body: D is written as no weight)."""
    positions: dict[str, list[str]] = {}
    offset = 1
    for text, weight in fields:
        for position, term in grams(text):
            pos = min(offset + position, 16383)
            positions.setdefault(term, []).append(f"{pos}{weight if weight != 'D' else ''}")
        offset += len(text) + 10
    return " ".join(f"{_lexeme(t)}:{','.join(p[:256])}" for t, p in positions.items())


def grams_vector(row: tuple) -> str:
    """The distinct grams of an entry's title, authors, tags and body as a tsvector literal."""
    found = set()
    for text in row[2:6]:
        found.update(term for _p, term in grams(text or ""))
    return " ".join(sorted(_lexeme(t) for t in found))


def bigram_query(query: str, *, phrase: bool) -> str:
    """tsquery text for the terms of ``query``, all required: a CJK run of one character is
    its unigram, a longer one its bigrams (in a phrase, or ANDed); a Latin word is itself."""
    parts = []
    for term in query.split():
        words = []
        for match in TOKEN.finditer(term):
            run = match.group(0)
            if not CJK.fullmatch(run[0]):
                words.append(run.lower())
            elif len(run) == 1:
                words.append(run)
            else:
                words += [run[i:i + 2] for i in range(len(run) - 1)]
        if words:
            joiner = " <-> " if phrase else " & "
            parts.append("(" + joiner.join(_lexeme(w) for w in words) + ")")
    return " & ".join(parts)


def probes(rows: list[tuple]) -> list[str]:
    """More terms, for recall only: words jieba may cut differently in a query than in the
    text around them, and a person's name (the most frequent author, whole and given name)."""
    counts: dict[str, int] = {}
    for row in rows:
        for name in (row[3] or "").split():
            if name != "协会秘书处":
                counts[name] = counts.get(name, 0) + 1
    author = max(sorted(counts), key=counts.get)
    return ["大数据", "数字化", "外包", "服务贸易", "跨境电商", "据统计", author, author[1:]]


def substring_truth(rows: list[tuple], query: str) -> set[int]:
    """Entries containing every term somewhere in title, authors, tags or body (case-insensitive),
    which is what the product promises today."""
    terms = [t.lower() for t in query.split()]
    hits = set()
    for row in rows:
        text = "\n".join(f or "" for f in row[2:6]).lower()
        if all(t in text for t in terms):
            hits.add(row[0])
    return hits


# =========================================================================== measuring


def measure(cursor, sql: str, params, runs: int, *, force_index: bool = False) -> dict:
    """The statement as an application sends it (values known to the planner, no prepared
    statement): median and fastest wall ms of ``runs`` with the rows fetched, then the
    EXPLAIN (ANALYZE, BUFFERS) of one more run. ``force_index`` turns sequential scans off, to
    show what the index path costs where the planner would not take it."""
    if force_index:
        cursor.execute("SET enable_seqscan = off")
    try:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, params or None, prepare=False)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params or None, prepare=False)
        plan = "\n".join(r[0] for r in cursor.fetchall())
    finally:
        if force_index:
            cursor.execute("RESET enable_seqscan")
    return {"ms": round(statistics.median(times), 2), "min_ms": round(min(times), 2),
            "explain_ms": float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)),
            "planning_ms": float(re.search(r"Planning Time: ([\d.]+) ms", plan).group(1)),
            "plan": plan}


def sizes(cursor) -> dict:
    cursor.execute("""
        SELECT c.relname, pg_relation_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'search_study' AND c.relkind = 'i' ORDER BY 1""")
    out = {name: size for name, size in cursor.fetchall()}
    for table, column in (("jieba", "tsv"), ("bigram", "tsv"), ("entry", "grams"),
                          ("trgm", "body_text")):
        cursor.execute(f"SELECT sum(pg_column_size({column})) FROM search_study.{table}")  # noqa: S608
        out[f"{table}.{column} (stored)"] = int(cursor.fetchone()[0])
    cursor.execute("SELECT pg_total_relation_size('publishing_searchentry')")
    out["publishing_searchentry (total, product)"] = cursor.fetchone()[0]
    return out


def jieba_worker_cost() -> dict:
    """What a web worker pays to segment its first query: import, dictionary, memory."""
    code = (
        "import resource, time\n"
        "r0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "t = time.perf_counter(); import jieba, logging; jieba.setLogLevel(logging.ERROR)\n"
        "t1 = time.perf_counter(); list(jieba.cut('数字贸易')); t2 = time.perf_counter()\n"
        "r1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(round(t1 - t, 3), round(t2 - t1, 3), round((r1 - r0) / 1024, 1))\n"
    )
    runs = [subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
            .stdout.split() for _ in range(3)]
    return {"import_s": statistics.median(float(r[0]) for r in runs),
            "first_cut_s": statistics.median(float(r[1]) for r in runs),
            "rss_mb": statistics.median(float(r[2]) for r in runs)}


# =========================================================================== building


def build(connection, rows: list[tuple], jieba) -> dict:
    timings: dict = {}
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS search_study CASCADE")
        cursor.execute("CREATE SCHEMA search_study")
        cursor.execute("""CREATE TABLE search_study.trgm AS
            SELECT e.id, e.issue_id, e.title, e.authors, e.tags, e.body_text
            FROM publishing_searchentry e""")
        cursor.execute("ALTER TABLE search_study.trgm ADD PRIMARY KEY (id)")

        started = time.perf_counter()
        for column in FIELDS:
            cursor.execute(f"CREATE INDEX trgm_{column} ON search_study.trgm "
                           f"USING gin ({column} gin_trgm_ops)")
        timings["trigram: 4 column indexes"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("""CREATE INDEX trgm_all ON search_study.trgm USING gin (
            (title || ' ' || authors || ' ' || tags || ' ' || body_text) gin_trgm_ops)""")
        timings["trigram: 1 concatenated index"] = time.perf_counter() - started

        # jieba
        started = time.perf_counter()
        segmented = []
        for row in rows:
            title = " ".join(jieba.cut_for_search(row[2] or ""))
            meta = " ".join(jieba.cut_for_search(f"{row[3] or ''} {row[4] or ''}"))
            body = " ".join(jieba.cut_for_search(row[5] or ""))
            segmented.append((row[0], row[1], title, meta, body))
        timings["jieba: segment (Python)"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("""CREATE TABLE search_study.jieba (id bigint PRIMARY KEY, issue_id bigint,
            title text, seg_title text, seg_meta text, seg_body text, tsv tsvector)""")
        with cursor.copy("COPY search_study.jieba (id, issue_id, title, seg_title, seg_meta, seg_body) "
                         "FROM STDIN") as copy:
            for row, record in zip(rows, segmented, strict=True):
                copy.write_row((record[0], record[1], row[2], *record[2:]))
        cursor.execute("""UPDATE search_study.jieba SET tsv =
            setweight(to_tsvector('simple', seg_title), 'A')
            || setweight(to_tsvector('simple', seg_meta), 'B') || to_tsvector('simple', seg_body)""")
        timings["jieba: load and to_tsvector (SQL)"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("CREATE INDEX jieba_tsv ON search_study.jieba USING gin (tsv)")
        timings["jieba: GIN index"] = time.perf_counter() - started

        # bigrams
        started = time.perf_counter()
        vectors = [(row[0], row[1], row[2], bigram_vector([(row[2] or "", "A"),
                                                   (f"{row[3] or ''} {row[4] or ''}", "B"),
                                                   (row[5] or "", "D")])) for row in rows]
        timings["bigram: vectors (Python)"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("""CREATE TABLE search_study.bigram (id bigint PRIMARY KEY, issue_id bigint,
            title text, tsv tsvector)""")
        with cursor.copy("COPY search_study.bigram (id, issue_id, title, tsv) FROM STDIN") as copy:
            for record in vectors:
                copy.write_row(record)
        timings["bigram: load (SQL)"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("CREATE INDEX bigram_tsv ON search_study.bigram USING gin (tsv)")
        timings["bigram: GIN index"] = time.perf_counter() - started

        # The design as the product would hold it: the entry's text and, beside it, its grams
        # without positions or weights (nothing reads them: see ``grams_vector``), one GIN index.
        started = time.perf_counter()
        cursor.execute("""CREATE TABLE search_study.entry (id bigint PRIMARY KEY, issue_id bigint,
            title text, authors text, tags text, body_text text, grams tsvector)""")
        with cursor.copy("COPY search_study.entry (id, issue_id, title, authors, tags, body_text, "
                         "grams) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row[:6], grams_vector(row)))
        cursor.execute("CREATE INDEX entry_grams ON search_study.entry USING gin (grams)")
        timings["entry: text and grams (Python and SQL), GIN index"] = time.perf_counter() - started
        for table in ("trgm", "jieba", "bigram", "entry"):
            cursor.execute(f"ANALYZE search_study.{table}")
    connection.commit()
    return {k: round(v, 2) for k, v in timings.items()}


def publish_cost(connection, rows: list[tuple], jieba, issue_ids: list[int]) -> dict:
    """Re-index one issue's entries per scheme (what publishing would add), median of issues."""
    by_issue: dict[int, list[tuple]] = {}
    for row in rows:
        by_issue.setdefault(row[1], []).append(row)
    out: dict[str, list[float]] = {"jieba": [], "bigram": [], "trigram": [], "entry": []}
    with connection.cursor() as cursor:
        for issue_id in issue_ids:
            entries = by_issue[issue_id]
            started = time.perf_counter()
            cursor.execute("DELETE FROM search_study.jieba WHERE issue_id = %s", [issue_id])
            for row in entries:
                cursor.execute("""INSERT INTO search_study.jieba (id, issue_id, title, seg_title,
                    seg_meta, seg_body, tsv) VALUES (%s, %s, %s, %s, %s, %s,
                    setweight(to_tsvector('simple', %s), 'A')
                    || setweight(to_tsvector('simple', %s), 'B') || to_tsvector('simple', %s))""",
                               [row[0], row[1], row[2], *[" ".join(jieba.cut_for_search(x)) for x in
                                                  (row[2] or "", f"{row[3] or ''} {row[4] or ''}",
                                                   row[5] or "")] * 2])
            connection.commit()
            out["jieba"].append(time.perf_counter() - started)
            started = time.perf_counter()
            cursor.execute("DELETE FROM search_study.bigram WHERE issue_id = %s", [issue_id])
            for row in entries:
                cursor.execute("INSERT INTO search_study.bigram (id, issue_id, title, tsv) "
                               "VALUES (%s, %s, %s, %s::tsvector)",
                               [row[0], row[1], row[2], bigram_vector([(row[2] or "", "A"),
                                                               (f"{row[3] or ''} {row[4] or ''}", "B"),
                                                               (row[5] or "", "D")])])
            connection.commit()
            out["bigram"].append(time.perf_counter() - started)
            started = time.perf_counter()
            cursor.execute("DELETE FROM search_study.trgm WHERE issue_id = %s", [issue_id])
            for row in entries:
                cursor.execute("INSERT INTO search_study.trgm (id, issue_id, title, authors, tags, "
                               "body_text) VALUES (%s, %s, %s, %s, %s, %s)", list(row[:6]))
            connection.commit()
            out["trigram"].append(time.perf_counter() - started)
            started = time.perf_counter()
            cursor.execute("DELETE FROM search_study.entry WHERE issue_id = %s", [issue_id])
            for row in entries:
                cursor.execute("INSERT INTO search_study.entry (id, issue_id, title, authors, tags, "
                               "body_text, grams) VALUES (%s, %s, %s, %s, %s, %s, %s::tsvector)",
                               [*row[:6], grams_vector(row)])
            connection.commit()
            out["entry"].append(time.perf_counter() - started)
    return {k: {"median_s": round(statistics.median(v), 3), "max_s": round(max(v), 3)}
            for k, v in out.items()}


# =========================================================================== the queries

ACCESS = {
    # Everything reachable by search is published; a member (active) reads all of it, an
    # anonymous visitor what is public today (public, or embargo elapsed).
    "member": "TRUE",
    "anonymous": """(a.level = 'public' OR (a.level = 'embargo' AND
        (COALESCE(i.cover_date, i.created_at::date) + make_interval(months => a.embargo_months))
        <= CURRENT_DATE))""",
}


def match_sql(candidate: str, query: str, jieba) -> tuple[str, str, list, str | None]:
    """(table, WHERE clause, its params, tsquery expression or None) for matching entries.
    With a tsquery, the WHERE clause reads it as ``q.q`` from ``(SELECT <tsquery> AS q) q``."""
    terms = query.split()
    if candidate == "jieba":
        tsq = " && ".join(["phraseto_tsquery('simple', %s)"] * len(terms))
        return "search_study.jieba", "d.tsv @@ q.q", [" ".join(jieba.cut(t)) for t in terms], tsq
    if candidate in {"bigram phrase", "bigram AND"}:
        tsq = bigram_query(query, phrase=candidate == "bigram phrase")
        return "search_study.bigram", "d.tsv @@ q.q", [tsq], "%s::tsquery"
    if candidate == "grams AND":
        return "search_study.entry", "d.grams @@ q.q", [bigram_query(query, phrase=False)], "%s::tsquery"
    if candidate == "grams AND + substring":
        terms_lower = [t.lower() for t in terms]
        check = " AND ".join(
            ["strpos(lower(d.title || ' ' || d.authors || ' ' || d.tags || ' ' || d.body_text), %s) > 0"]
            * len(terms_lower))
        return ("search_study.entry", f"d.grams @@ q.q AND {check}",
                [bigram_query(query, phrase=False), *terms_lower], "%s::tsquery")
    if candidate in {"trigram LIKE", "trigram ILIKE"}:
        op = "LIKE" if candidate == "trigram LIKE" else "ILIKE"
        clauses, params = [], []
        for term in terms:
            clauses.append("(" + " OR ".join(f"d.{f} {op} %s" for f in FIELDS) + ")")
            params += [like_pattern(term)] * len(FIELDS)
        return "search_study.trgm", " AND ".join(clauses), params, None
    if candidate == "trigram concat ILIKE":
        clauses = ["(d.title || ' ' || d.authors || ' ' || d.tags || ' ' || d.body_text) ILIKE %s"
                   for _term in terms]
        return "search_study.trgm", " AND ".join(clauses), [like_pattern(t) for t in terms], None
    raise ValueError(candidate)


def like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def match_from(table: str, tsq: str | None) -> str:
    return f"{table} d" + (f" CROSS JOIN (SELECT {tsq} AS q) q" if tsq else "")


CANDIDATES = ["jieba", "bigram phrase", "bigram AND", "grams AND", "grams AND + substring",
              "trigram LIKE", "trigram ILIKE", "trigram concat ILIKE"]
STRATEGIES = {
    # newest first: what the product does after title hits today
    "recency": "i.cover_date DESC, i.number DESC, d.id",
    # hits in the title first (a cheap, exact test on the short inline title), then newest
    "title first": "strpos(lower(d.title), %s) > 0 DESC, i.cover_date DESC, i.number DESC, d.id",
    # relevance from the index's own vector (weights: title A, authors/tags B, body D)
    "rank": "ts_rank_cd(d.tsv, q.q) DESC, i.cover_date DESC, d.id",
}


def today_sql(query: str) -> tuple[str, list]:
    """The SQL the product runs today for a member (every published issue readable): the
    page's statement, the last of the search's queries but the planner settings' reset."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from publishing.selectors import article_search

    member = get_user_model().objects.get(username="bench-member@example.cn")
    with CaptureQueriesContext(connection) as captured:
        article_search(query=query, user=member)
    selects = [q["sql"] for q in captured.captured_queries
               if q["sql"].startswith("SELECT") and "publishing_searchentry" in q["sql"]]
    return selects[-1], []


def page_sql(candidate: str, strategy: str, role: str, query: str, jieba) -> tuple[str, list]:
    """The page's query: matching entries the role may read, ordered, first 20, with a count."""
    table, where, params, tsq = match_sql(candidate, query, jieba)
    order = STRATEGIES[strategy]
    order_params = [query.split()[0].lower()] if strategy == "title first" else []
    sql = f"""
        SELECT d.id, count(*) OVER () AS total
        FROM {match_from(table, tsq)}
        JOIN editorial_issue i ON i.id = d.issue_id
        LEFT JOIN publishing_issueaccess a ON a.issue_id = i.id
        WHERE i.status = 'published' AND {ACCESS[role]} AND {where}
        ORDER BY {order}
        LIMIT 20"""  # noqa: S608 - our own fragments; values are parameters
    # A tsquery's parameters come first (FROM), then the WHERE's, then ORDER BY's.
    return sql, [*params, *order_params]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    database = check_name(args.database)
    setup_django(database)
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    report: dict = {"database": database, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "load": {"start": load()}, "jieba": jieba.__version__}
    report["jieba_worker"] = jieba_worker_cost()
    jieba.initialize()

    with psycopg.connect(f"{PG_URL}/{database}") as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, issue_id, title, authors, tags, body_text FROM "
                           "publishing_searchentry ORDER BY id")
            rows = cursor.fetchall()
            cursor.execute("SHOW server_version")
            report["server"] = cursor.fetchone()[0]
            cursor.execute("SHOW jit")
            report["jit"] = cursor.fetchone()[0]
        report["entries"] = len(rows)
        report["characters"] = sum(len(r[5] or "") for r in rows)
        report["build_s"] = build(connection, rows, jieba)
        report["load"]["built"] = load()
        with connection.cursor() as cursor:
            report["sizes"] = sizes(cursor)
        connection.commit()

        truth = {q: substring_truth(rows, q) for q in TERMS}
        report["truth"] = {q: len(v) for q, v in truth.items()}
        report["queries"] = {}
        with connection.cursor() as cursor:
            for query in TERMS:
                entry: dict = {}
                sql, params = today_sql(query)
                entry["today (icontains → UPPER LIKE), page query"] = measure(cursor, sql, params, args.runs)
                for candidate in CANDIDATES:
                    table, where, params, tsq = match_sql(candidate, query, jieba)
                    source = match_from(table, tsq)
                    cursor.execute(f"SELECT d.id FROM {source} WHERE {where}", params)  # noqa: S608
                    found = {r[0] for r in cursor.fetchall()}
                    right = len(found & truth[query])
                    count_sql = f"SELECT count(*) FROM {source} WHERE {where}"  # noqa: S608
                    result = measure(cursor, count_sql, params, args.runs)
                    result["index_forced"] = measure(cursor, count_sql, params, args.runs,
                                                     force_index=True)
                    result.update(found=len(found),
                                  recall=round(right / len(truth[query]), 4) if truth[query] else None,
                                  precision=round(right / len(found), 4) if found else None,
                                  missed_examples=sorted(truth[query] - found)[:5])
                    entry[candidate] = result
                report["queries"][query] = entry
                print(f"{query}: truth {len(truth[query])}; " + "; ".join(
                    f"{c} {entry[c]['found']} found, {entry[c]['ms']} ms" for c in CANDIDATES),
                    f"({load()})", flush=True)

            report["probes"] = {}
            for probe in probes(rows):
                expected = substring_truth(rows, probe)
                entry = {"truth": len(expected)}
                for candidate in CANDIDATES[:5]:
                    table, where, params, tsq = match_sql(candidate, probe, jieba)
                    cursor.execute(f"SELECT d.id FROM {match_from(table, tsq)} WHERE {where}",  # noqa: S608
                                   params)
                    found = {r[0] for r in cursor.fetchall()}
                    entry[candidate] = {
                        "found": len(found),
                        "recall": round(len(found & expected) / len(expected), 4) if expected else None,
                        "precision": round(len(found & expected) / len(found), 4) if found else None}
                report["probes"][probe] = entry
                print(f"probe {probe}: {json.dumps(entry, ensure_ascii=False)}", flush=True)

            report["pages"] = {}
            for query in TERMS:
                for candidate in ("jieba", "bigram AND", "bigram phrase", "grams AND",
                                  "grams AND + substring", "trigram ILIKE"):
                    for strategy in ("recency", "title first", "rank"):
                        if strategy == "rank" and not candidate.startswith(("jieba", "bigram")):
                            continue
                        for role in ("member", "anonymous"):
                            sql, params = page_sql(candidate, strategy, role, query, jieba)
                            key = f"{query} | {candidate} | {strategy} | {role}"
                            report["pages"][key] = measure(cursor, sql, params, args.runs)
                            report["pages"][key]["index_forced"] = measure(
                                cursor, sql, params, args.runs, force_index=True)
                print(f"page queries for {query} done ({load()})", flush=True)

            # Highlighting: ts_headline (jieba's segmented text) against Python on 20 hits.
            cursor.execute("""SELECT seg_body FROM search_study.jieba d
                WHERE d.tsv @@ phraseto_tsquery('simple', '数据') LIMIT 20""")
            bodies = [r[0] for r in cursor.fetchall()]
            headline_sql = """SELECT ts_headline('simple', seg_body, phraseto_tsquery('simple', '数据'),
                'MaxFragments=1, MaxWords=40, MinWords=20') FROM search_study.jieba d
                WHERE d.tsv @@ phraseto_tsquery('simple', '数据') LIMIT 20"""
            report["highlight"] = {"ts_headline_20_ms": measure(cursor, headline_sql, [], args.runs)["ms"]}
        from publishing.selectors import _highlight

        plain = [re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", b) for b in bodies]
        started = time.perf_counter()
        for _ in range(20):
            for body in plain:
                _highlight(body, ["数据"], width=120)
        report["highlight"]["python_20_ms"] = round((time.perf_counter() - started) * 1000 / 20, 2)

        cursor = connection.cursor()
        cursor.execute("SELECT DISTINCT issue_id FROM search_study.trgm ORDER BY 1 DESC LIMIT 10")
        report["publish_cost_per_issue"] = publish_cost(connection, rows, jieba,
                                                        [r[0] for r in cursor.fetchall()])
    report["load"]["end"] = load()
    results = VAR / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"search-{database}-{report['started'].replace(':', '')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k not in {"queries", "pages"}},
                     ensure_ascii=False, indent=1))
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Travellers, students and the currency of settlement between China and Russia, from cited statements.

Flows of people are stated under many definitions (visa-free group tourists, all visitors, border-service
tourist-purpose trips, trips for all purposes) and periods (full years, January-September, academic years):
each metric is its own series, labelled by direction and definition, and only figures of one definition are
compared with each other. Currency shares are statements too (after 2020 by officials, not statistics); the
rows about *all* of Russia's trade are kept apart from the Russia-China ones. Rows come in with the mark
columns of `analysis.stated_values` where findings need them. Pure functions; no I/O.
"""

from __future__ import annotations

import polars as pl

from bilateral.analysis import stated_values as sv

CHINA_TO_RUSSIA, RUSSIA_TO_CHINA = "China → Russia", "Russia → China"
# metric prefix -> (direction, what is counted); the rest of the metric names the definition
TRAVEL_PREFIXES = {"china_to_russia_": CHINA_TO_RUSSIA, "russia_to_china_": RUSSIA_TO_CHINA}
STUDENT_PREFIXES = {"chinese_students_": CHINA_TO_RUSSIA, "russian_students_": RUSSIA_TO_CHINA}
STUDENT_LABELS = {CHINA_TO_RUSSIA: "Chinese students in Russia", RUSSIA_TO_CHINA: "Russian students in China"}

CURRENCIES = {
    "usd": "US dollar",
    "eur": "Euro",
    "national_currencies": "Rouble and yuan",
    "cny": "Yuan",
    "rub": "Rouble",
}
MAIN_SCOPES = frozenset(
    {"russia_china_settlements", "russia_china_trade"}
)  # both: bilateral settlements as pages state them
SCOPES = {
    "russia_exports_to_china_payments": "Russia's exports to China only",
    "russia_china_payments_goods_services": "payments for goods and services",
}
SHARE_SEPARATOR = "_share_of_"
# words of metric names as a reader writes them
DEFINITION_WORDS = {"visa free": "visa-free", "all trips": "trips for all purposes", "tourist trips": "tourist-purpose trips",
                    "russian": "Russian", "chinese": "Chinese"}  # fmt: skip


def _definition(metric_rest: pl.Expr) -> pl.Expr:
    text = metric_rest.str.replace_all("_", " ")
    for words, written in DEFINITION_WORDS.items():
        text = text.str.replace_all(words, written, literal=True)
    return text


def _prefixed(frame: pl.DataFrame, prefixes: dict[str, str]) -> pl.DataFrame:
    """Rows whose metric starts with one of `prefixes`, with `direction` and `definition` (the rest of the metric)."""
    rows = []
    for prefix, direction in prefixes.items():
        part = frame.filter(pl.col("metric").str.starts_with(prefix))
        rows.append(part.with_columns(
            pl.lit(direction).alias("direction"),
            _definition(pl.col("metric").str.strip_prefix(prefix)).alias("definition"),
        ))  # fmt: skip
    return pl.concat(rows)


def travel_rows(people: pl.DataFrame) -> pl.DataFrame:
    """Traveller statements (metrics china_to_russia_*, russia_to_china_*), `series` = 'direction: definition'."""
    rows = _prefixed(people, TRAVEL_PREFIXES)
    return rows.with_columns((pl.col("direction") + pl.lit(": ") + pl.col("definition")).alias("series"))


def student_rows(people: pl.DataFrame) -> pl.DataFrame:
    """Student statements (chinese_students_*, russian_students_*), `series` = who studies where, plus the
    definition where it is not plain 'in Russia'/'in China' (e.g. 'sent to russian universities')."""
    rows = _prefixed(people, STUDENT_PREFIXES)
    who = pl.col("direction").replace_strict(STUDENT_LABELS)
    plain = pl.col("definition").is_in(["in russia", "in china", "in Russia", "in China"])
    return rows.with_columns(
        pl.when(plain).then(who).otherwise(who + pl.lit(" (") + pl.col("definition") + pl.lit(")")).alias("series")
    )


def other_people_rows(people: pl.DataFrame) -> pl.DataFrame:
    """Rows neither travel nor students (none today): shown in a table rather than dropped unseen."""
    prefixes = [*TRAVEL_PREFIXES, *STUDENT_PREFIXES]
    return people.filter(~pl.any_horizontal([pl.col("metric").str.starts_with(p) for p in prefixes]))


def currency_rows(currency: pl.DataFrame) -> pl.DataFrame:
    """Settlement-share statements with `currency` (label) and `series` (the currency, plus the scope where it
    is not Russia-China settlements as a whole). Rows about all of Russia's trade keep `is_bilateral` False."""
    split = pl.col("metric").str.split_exact(SHARE_SEPARATOR, 1)
    code, scope = split.struct.field("field_0"), split.struct.field("field_1")
    label = code.replace_strict(CURRENCIES, default=None).fill_null(code)
    scoped = (
        pl.when(scope.is_in(list(MAIN_SCOPES))).then(label)
        .when(scope.str.ends_with("_all_partners"))
        .then(label + pl.lit(" — all of Russia's ") + scope.str.extract(r"russia_(\w+?)_settlements") + pl.lit(" settlements"))
        .otherwise(label + pl.lit(" — ") + scope.replace_strict(SCOPES, default=None).fill_null(scope.str.replace_all("_", " ")))
    )  # fmt: skip
    return currency.with_columns(label.alias("currency"), scoped.alias("series"))


def _listing(rows: pl.DataFrame, suffix: str = "") -> str:
    """'about 90% (2015), 75% (2018)' from marked rows, in the order the periods end."""
    return ", ".join(
        f"{r['stated']}{suffix} ({r['period_label']})" for r in rows.sort("period_end", "x").iter_rows(named=True)
    )


def times(ratio: float) -> str:
    """250.0 -> '250', 6.08 -> '6.1': whole numbers from ten up."""
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.1f}"


def missing_years(years: list[int], first: int, last: int) -> list[int]:
    """Years from first to last (inclusive) with no statement."""
    have = set(years)
    return [y for y in range(first, last + 1) if y not in have]


def _span_text(years: list[int]) -> str:
    """[2020, 2021, 2023] -> '2020–2021, 2023'."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _said(row: dict) -> str:
    """'800 tourist-purpose trips (2022, FSB via radiometro.ru)'."""
    return f"{row['stated']} {row['definition']} ({row['period_label']}, {row['publisher_named']})"


def part_year_checks(marked: pl.DataFrame) -> list[str]:
    """Part of a year against the full year, same metric and year: the part may not exceed the whole.

    One sentence per pair ('563 (Jan–Sep 2022) against 800 (2022): consistent'); only numbers stated as such
    or as approximations are compared (a bound or a range proves nothing here)."""
    usable = marked.filter(pl.col("mark").is_in([sv.EXACT, sv.APPROXIMATE]) & pl.col("year").is_not_null())
    checks = []
    for (_metric, _year), rows in usable.group_by("metric", "year", maintain_order=True):
        wholes = rows.filter(pl.col("is_full_year"))
        for part in rows.filter(~pl.col("is_full_year") & ~pl.col("period").str.contains("/")).iter_rows(named=True):
            for whole in wholes.iter_rows(named=True):
                verdict = "consistent" if part["point"] <= whole["point"] else "the part exceeds the whole year"
                checks.append(
                    f"{part['stated']} ({part['period_label']}) against {whole['stated']} ({whole['period_label']}): {verdict}"
                )
    return checks


def travel_findings(marked: pl.DataFrame, closure: tuple[int, int]) -> str:
    """Sentences on travellers from `travel_rows` + `stated_marks` (with figures stated alongside).

    Before the closure: the range of full-year China-to-Russia statements (their definitions named). During it:
    every statement, with the years that have none. After it: for each definition stated both in a closure year
    and later (same metric, full years), how many times larger the later figure is. Then part-year figures
    against their full year, and the latest figures each way. Targets and forecasts are left out of every comparison.
    """
    outturns = marked.filter(pl.col("mark") != sv.TARGET)
    to_russia = outturns.filter(pl.col("direction") == CHINA_TO_RUSSIA)
    full = to_russia.filter(pl.col("is_full_year") & pl.col("point").is_not_null())
    sentences = []
    before = full.filter(pl.col("year") < closure[0]).sort("point")
    if before.height:
        low, high = before.row(0, named=True), before.row(-1, named=True)
        sentences.append(
            f"Before the border closure, pages stated {low['stated']} ({low['definition']}, {low['period_label']}) to {high['stated']} "
            f"({high['definition']}, {high['period_label']}) Chinese travellers to Russia a year — different definitions, not one series."
        )
    during = to_russia.filter(pl.col("year").is_between(*closure))
    if during.height:
        listed = "; ".join(_said(r) for r in during.sort("period_end", "point").iter_rows(named=True))
        gaps = missing_years(during.get_column("year").to_list(), *closure)
        sentences.append(
            f"In the closure years {closure[0]}–{closure[1]}: {listed}"
            + (f"; no statement for {_span_text(gaps)}." if gaps else ".")
        )
    for _metric, rows in full.group_by("metric", maintain_order=True):
        closed = rows.filter(pl.col("year").is_between(*closure)).sort("year")
        later = rows.filter(pl.col("year") > closure[1]).sort("year")
        if closed.height and later.height:
            a, b = closed.row(-1, named=True), later.row(0, named=True)
            sentences.append(
                f"Same definition ({a['definition']}, {a['publisher_named']}): {b['stated']} in {b['period_label']} against "
                f"{a['stated']} in {a['period_label']}, {times(b['point'] / a['point'])} times as many."
            )
    paragraphs = [" ".join(sentences)]
    latest_sentences = []
    for direction in (CHINA_TO_RUSSIA, RUSSIA_TO_CHINA):
        mine = outturns.filter((pl.col("direction") == direction) & pl.col("is_full_year"))
        if mine.height:
            last_year = mine.get_column("year").max()
            latest = mine.filter(pl.col("year") == last_year)
            latest_sentences.append(
                f"Latest {direction}: " + "; ".join(_said(r) for r in latest.iter_rows(named=True)) + "."
            )
    checks = part_year_checks(outturns)
    if checks:
        latest_sentences.append("Part of a year against the whole, same definition: " + "; ".join(checks) + ".")
    paragraphs.append(" ".join(latest_sentences))
    return "\n\n".join(p for p in paragraphs if p)


def student_findings(marked: pl.DataFrame) -> str:
    """Each student series as stated, in period order ('25,000 (2016), 48,000 (2023/24), ...')."""
    parts = [
        f"{series}: {_listing(rows)}"
        for (series,), rows in marked.sort("series").group_by("series", maintain_order=True)
    ]
    return ("Students, as stated — " + "; ".join(parts) + ".") if parts else ""


def settlement_sums(marked: pl.DataFrame) -> list[str]:
    """Parts-versus-total checks of bilateral shares stated for one period without qualifiers: US dollar + euro
    + rouble-and-yuan against 100%, and yuan + rouble against rouble-and-yuan. One sentence per check."""
    checks = []
    exact = marked.filter(
        pl.col("is_bilateral") & (pl.col("mark") == sv.EXACT) & (pl.col("series") == pl.col("currency"))
    )
    for (period,), rows in exact.group_by("period", maintain_order=True):
        value = {r["currency"]: r["point"] for r in rows.iter_rows(named=True)}
        usd, eur, national = (value.get(CURRENCIES[k]) for k in ("usd", "eur", "national_currencies"))
        cny, rub = value.get(CURRENCIES["cny"]), value.get(CURRENCIES["rub"])
        if None not in (usd, eur, national):
            total = usd + eur + national
            checks.append(f"{sv.period_label(period)}: US dollar {sv.format_number(usd)} + euro {sv.format_number(eur)} + rouble and yuan "
                          f"{sv.format_number(national)} = {sv.format_number(total)}%")  # fmt: skip
        if None not in (cny, rub, national):
            both = cny + rub
            verdict = "matches" if abs(both - national) < 1e-9 else "does not match"
            checks.append(f"yuan {sv.format_number(cny)} + rouble {sv.format_number(rub)} = {sv.format_number(both)}%, which {verdict} "
                          f"the rouble-and-yuan share of {sv.format_number(national)}%")  # fmt: skip
    return checks


def currency_findings(marked: pl.DataFrame) -> str:
    """Sentences on settlement currencies from `currency_rows` + `stated_marks(ceiling=100)`.

    Lists the stated US-dollar and rouble-and-yuan shares in period order, checks parts against totals, says
    whether several statements of one period agree (`stated_values.bounds_agree`), and names the years between
    the first and last bilateral statement that have none.
    """
    bilateral = marked.filter(pl.col("is_bilateral"))
    if bilateral.is_empty():
        return ""
    sentences = []
    for code in ("usd", "national_currencies"):
        rows = bilateral.filter(pl.col("series") == CURRENCIES[code])
        if rows.height:
            sentences.append(f"{CURRENCIES[code]} share of Russia–China settlements, as stated: {_listing(rows, '%')}.")
    sums = settlement_sums(bilateral)
    if sums:
        sentences.append("Parts against totals: " + "; ".join(sums) + ".")
    for (series, period), rows in bilateral.group_by("series", "period", maintain_order=True):
        if rows.height > 1:
            said = ", ".join(f"{text}%" for text in rows.get_column("stated").to_list())
            agree = sv.bounds_agree(rows)
            sentences.append(
                f"{sv.period_label(period)}: {rows.height} statements of the {series.lower()} share ({said}) "
                + ("can all be true at once." if agree else "contradict each other.")
            )
    years = bilateral.get_column("year").drop_nulls().to_list()
    gaps = missing_years(years, min(years), max(years))
    if gaps:
        sentences.append(f"No Russia–China statement for {_span_text(gaps)}: a gap, not a trend.")
    return " ".join(sentences)

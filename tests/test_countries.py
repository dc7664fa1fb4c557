"""Tests for erc_parse.normalize.countries: splitting run-together country names, ISO3 lookup."""

from __future__ import annotations

import doctest
from typing import Any

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erc_parse.normalize import countries
from erc_parse.normalize.countries import is_country, iso3, split_countries

SEPARATORS = " \t\n,;"


def _is_sep(ch: str) -> bool:
    return ch.isspace() or ch in ",;"


def assert_invariant(raw: str, names: list[str]) -> None:
    """raw == s_0 + names[0] + s_1 + ... + names[-1] + s_k, every s_i made of separators."""
    pos = 0
    for name in names:
        assert name, f"empty name in {names!r}"
        assert name == name.strip(), f"unstripped name {name!r}"
        while pos < len(raw) and not raw.startswith(name, pos):
            assert _is_sep(raw[pos]), f"non-separator {raw[pos]!r} dropped before {name!r}"
            pos += 1
        assert raw.startswith(name, pos), f"{name!r} not found in order in {raw!r}"
        pos += len(name)
    assert all(_is_sep(ch) for ch in raw[pos:]), f"non-separator tail {raw[pos:]!r} dropped"
    # Weaker, separator-blind form of the same statement.
    squash = str.maketrans("", "", "".join({c for c in raw if _is_sep(c)}))
    assert "".join(names).translate(squash) == raw.translate(squash)


def split(raw: str) -> list[tuple[str, str | None]]:
    result = split_countries(raw)
    assert_invariant(raw, [n for n, _ in result])
    return result


# --------------------------------------------------------------------------- real values


def test_western_balkans_run_together() -> None:
    raw = (
        "ALBANIABOSNIA AND HERCEGOVINAKOSOVOMACEDONIA, THE FORMER YUGOSLAV REPUBLIC OFMONTENEGROSERBIATURKEY"
    )
    assert split(raw) == [
        ("ALBANIA", "ALB"),
        ("BOSNIA AND HERCEGOVINA", "BIH"),
        ("KOSOVO", None),
        ("MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF", "MKD"),
        ("MONTENEGRO", "MNE"),
        ("SERBIA", "SRB"),
        ("TURKEY", "TUR"),
    ]


def test_arab_states_run_together() -> None:
    raw = "IRAQJORDANLEBANONLIBYAOCCUPIED PALESTINIAN TERRITORIESSUDANTUNISIAYEMEN"
    assert split(raw) == [
        ("IRAQ", "IRQ"),
        ("JORDAN", "JOR"),
        ("LEBANON", "LBN"),
        ("LIBYA", "LBY"),
        ("OCCUPIED PALESTINIAN TERRITORIES", "PSE"),
        ("SUDAN", "SDN"),
        ("TUNISIA", "TUN"),
        ("YEMEN", "YEM"),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("FIJI SAMOA", [("FIJI", "FJI"), ("SAMOA", "WSM")]),
        ("CAMEROON, REPUBLIC OF", [("CAMEROON, REPUBLIC OF", "CMR")]),
        ("BURUNDI", [("BURUNDI", "BDI")]),
        ("Iraq", [("Iraq", "IRQ")]),
        ("Kyrgyzstan", [("Kyrgyzstan", "KGZ")]),
        ("Georgia", [("Georgia", "GEO")]),
        ("GLOBAL", [("GLOBAL", None)]),
        ("REGIONAL", [("REGIONAL", None)]),
        ("Independent Evaluation Office", [("Independent Evaluation Office", None)]),
        ("HONDURA", [("HONDURA", None)]),
        ("SAO TOME AND PRINCIPE", [("SAO TOME AND PRINCIPE", "STP")]),
        ("  BURKINA FASO  ", [("BURKINA FASO", "BFA")]),
        ("", []),
        (" ,; \n", []),
    ],
)
def test_single_values(raw: str, expected: list[tuple[str, str | None]]) -> None:
    assert split(raw) == expected


# --------------------------------------------------------------------------- overlaps


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NIGERNIGERIA", [("NIGER", "NER"), ("NIGERIA", "NGA")]),
        ("NIGERIANIGER", [("NIGERIA", "NGA"), ("NIGER", "NER")]),
        ("GUINEAGUINEA-BISSAU", [("GUINEA", "GIN"), ("GUINEA-BISSAU", "GNB")]),
        ("GUINEA-BISSAUGUINEA", [("GUINEA-BISSAU", "GNB"), ("GUINEA", "GIN")]),
        (
            "EQUATORIAL GUINEAGUINEAPAPUA NEW GUINEA",
            [("EQUATORIAL GUINEA", "GNQ"), ("GUINEA", "GIN"), ("PAPUA NEW GUINEA", "PNG")],
        ),
        ("DOMINICADOMINICAN REPUBLIC", [("DOMINICA", "DMA"), ("DOMINICAN REPUBLIC", "DOM")]),
        ("DOMINICAN REPUBLICDOMINICA", [("DOMINICAN REPUBLIC", "DOM"), ("DOMINICA", "DMA")]),
        ("SUDANSOUTH SUDAN", [("SUDAN", "SDN"), ("SOUTH SUDAN", "SSD")]),
        ("SOUTH SUDANSUDAN", [("SOUTH SUDAN", "SSD"), ("SUDAN", "SDN")]),
        (
            "CONGOCONGO, THE DEMOCRATIC REPUBLIC OF THE",
            [("CONGO", "COG"), ("CONGO, THE DEMOCRATIC REPUBLIC OF THE", "COD")],
        ),
        (
            "CONGO, THE DEMOCRATIC REPUBLIC OF THECONGO",
            [("CONGO, THE DEMOCRATIC REPUBLIC OF THE", "COD"), ("CONGO", "COG")],
        ),
        (
            # Ties between "X, QUALIFIER" + "Y" and "X" + "QUALIFIER Y": the first piece is longest.
            "CONGO, THE DEMOCRATIC REPUBLIC OF THE CONGO",
            [("CONGO, THE DEMOCRATIC REPUBLIC OF THE", "COD"), ("CONGO", "COG")],
        ),
        ("NIGERIRAN", [("NIGER", "NER"), ("IRAN", "IRN")]),
        ("SOUTH AFRICAAFRICA", [("SOUTH AFRICA", "ZAF"), ("AFRICA", None)]),
        ("OMANROMANIA", [("OMAN", "OMN"), ("ROMANIA", "ROU")]),
        (
            "KOREA, REPUBLIC OFKOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF",
            [("KOREA, REPUBLIC OF", "KOR"), ("KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF", "PRK")],
        ),
        ("SERBIA AND MONTENEGROSERBIA", [("SERBIA AND MONTENEGRO", None), ("SERBIA", "SRB")]),
        # The same ties with other names: "REPUBLIC OF HAITI" is a name too.
        ("CONGO, REPUBLIC OF HAITI", [("CONGO, REPUBLIC OF", "COG"), ("HAITI", "HTI")]),
        # One known name and one unknown piece either way (TOG + OMAN): the longest piece first.
        ("TOGOMAN", [("TOGO", "TGO"), ("MAN", None)]),
        # As many unknown characters either way: the fewest pieces (not ANTI + GUAM + ALI).
        ("ANTIGUAMALI", [("ANTIGUA", None), ("MALI", "MLI")]),
    ],
)
def test_overlapping_names(raw: str, expected: list[tuple[str, str | None]]) -> None:
    assert split(raw) == expected


def test_unknown_stretches_are_kept_whole() -> None:
    # Cut mid-name after known names.
    assert split("FIJIHONDURA") == [("FIJI", "FJI"), ("HONDURA", None)]
    assert split("HONDURASHONDURA") == [("HONDURAS", "HND"), ("HONDURA", None)]
    # Unknown text between known names; spaces inside an unknown stretch stay in it.
    assert split("CHADField Hub XMALI") == [
        ("CHAD", "TCD"),
        ("Field Hub X", None),
        ("MALI", "MLI"),
    ]
    # ; and , end an unknown stretch.
    assert split("Foo Bar; Baz, Qux") == [("Foo Bar", None), ("Baz", None), ("Qux", None)]
    # Unknown pieces of one and of an even number of characters.
    assert split("XNIGER") == [("X", None), ("NIGER", "NER")]
    assert split("RBEC, NIGER") == [("RBEC", None), ("NIGER", "NER")]
    # A space between a known name and an unknown word ends the unknown piece.
    assert split("Mali Sahel Niger") == [("Mali", "MLI"), ("Sahel", None), ("Niger", "NER")]
    assert split("Bosnia and Herzegovina Western Balkans") == [
        ("Bosnia and Herzegovina", "BIH"),
        ("Western Balkans", None),
    ]


# --------------------------------------------------------------------------- separators and case


def test_title_case_comma_list_splits_on_comma() -> None:
    assert split("Iraq, Jordan") == [("Iraq", "IRQ"), ("Jordan", "JOR")]
    assert split("Iraq,Jordan;Lebanon") == [("Iraq", "IRQ"), ("Jordan", "JOR"), ("Lebanon", "LBN")]
    assert split("Viet Nam, Lao People's Democratic Republic") == [
        ("Viet Nam", "VNM"),
        ("Lao People's Democratic Republic", "LAO"),
    ]


def test_comma_inside_a_name_is_not_a_separator() -> None:
    assert split("CAMEROON, REPUBLIC OF") == [("CAMEROON, REPUBLIC OF", "CMR")]
    assert split("Cameroon, Republic of") == [("Cameroon, Republic of", "CMR")]
    assert split("TANZANIA, UNITED REPUBLIC OFKENYA") == [
        ("TANZANIA, UNITED REPUBLIC OF", "TZA"),
        ("KENYA", "KEN"),
    ]
    assert split("CAMEROON, CHAD") == [("CAMEROON", "CMR"), ("CHAD", "TCD")]
    # The inverted form holds with no space after the comma too.
    assert split("TANZANIA,UNITED REPUBLIC OF; KENYA") == [
        ("TANZANIA,UNITED REPUBLIC OF", "TZA"),
        ("KENYA", "KEN"),
    ]


def test_names_are_returned_as_written() -> None:
    raw = "  Côte d’Ivoire ;\tTÜRKİYE\nViet  Nam "
    assert split(raw) == [("Côte d’Ivoire", "CIV"), ("TÜRKİYE", "TUR"), ("Viet  Nam", "VNM")]


def test_title_case_is_not_split_mid_word() -> None:
    assert split("Romania") == [("Romania", "ROU")]
    assert split("Omani") == [("Omani", None)]
    assert split("IraqJordan") == [("Iraq", "IRQ"), ("Jordan", "JOR")]
    # "Tchad" (French) holds "chad" mid-word, after a space or at the start.
    assert split("Mali, Tchad") == [("Mali", "MLI"), ("Tchad", None)]
    assert split("Tchad") == [("Tchad", None)]
    # A lower-case first letter may start a name at the very start of the value.
    assert split("mali Sahel") == [("mali", "MLI"), ("Sahel", None)]
    # All caps gives no such clue: a trailing I is an unknown remainder.
    assert split("IRAQI") == [("IRAQ", "IRQ"), ("I", None)]


def test_pipe_table_cells_are_not_separators() -> None:
    # The caller strips the table pipes; here they survive as their own unknown pieces.
    assert split("| MONGOLIA |") == [("|", None), ("MONGOLIA", "MNG"), ("|", None)]


# --------------------------------------------------------------------------- iso3 / is_country


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("BOSNIA AND HERCEGOVINA", "BIH"),
        ("Bosnia and Herzegovina", "BIH"),
        ("MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF", "MKD"),
        ("North Macedonia", "MKD"),
        ("CAMEROON, REPUBLIC OF", "CMR"),
        ("TANZANIA, UNITED REPUBLIC OF", "TZA"),
        ("KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF", "PRK"),
        ("KOREA, DEMOCRATIC PEOPLE?S REPUBLIC OF", "PRK"),
        ("KOREA, REPUBLIC OF", "KOR"),
        ("CONGO, THE DEMOCRATIC REPUBLIC OF THE", "COD"),
        ("CONGO", "COG"),
        ("IRAN (ISLAMIC REPUBLIC OF)", "IRN"),
        ("IRAN, ISLAMIC REPUBLIC OF", "IRN"),
        ("VIET NAM", "VNM"),
        ("VIETNAM", "VNM"),
        ("LAO PEOPLE'S DEMOCRATIC REPUBLIC", "LAO"),
        ("Lao People\u2019s Democratic Republic", "LAO"),
        ("MOLDOVA, REPUBLIC OF", "MDA"),
        ("TURKEY", "TUR"),
        ("TÜRKİYE", "TUR"),
        ("Türkiye", "TUR"),
        ("SWAZILAND", "SWZ"),
        ("ESWATINI", "SWZ"),
        ("CAPE VERDE", "CPV"),
        ("COTE D'IVOIRE", "CIV"),
        ("CÔTE D'IVOIRE", "CIV"),
        ("PALESTINE", "PSE"),
        ("OCCUPIED PALESTINIAN TERRITORIES", "PSE"),
        ("Programme of Assistance to the Palestinian People", "PSE"),
        ("LIBYAN ARAB JAMAHIRIYA", "LBY"),
        ("SYRIAN ARAB REPUBLIC", "SYR"),
        ("BOLIVIA", "BOL"),
        ("VENEZUELA, BOLIVARIAN REPUBLIC OF", "VEN"),
        ("kyrgyzstan", "KGZ"),
        ("  SENEGAL ", "SEN"),
        ("SAO TOME AND PRINCIPE", "STP"),
        ("GUINEA-BISSAU", "GNB"),
        ("Guinea\u2013Bissau", "GNB"),
    ],
)
def test_iso3(name: str, code: str) -> None:
    assert iso3(name) == code


@pytest.mark.parametrize("name", ["KOSOVO", "GLOBAL", "REGIONAL", "HONDURA", "", "National"])
def test_iso3_none(name: str) -> None:
    assert iso3(name) is None


def test_inverted_names_need_a_known_country_and_a_state_form() -> None:
    # The qualifier is what follows the last comma: the name before it may have its own.
    assert iso3("CONGO, DEMOCRATIC REPUBLIC OF, THE") == "COD"
    # A country, then a word that is no state form: not that country.
    assert (iso3("NIGER, DELTA"), is_country("NIGER, DELTA")) == (None, False)
    # A list is not one name.
    assert (iso3("GHANA, TOGO, BENIN"), is_country("GHANA, TOGO, BENIN")) == (None, False)


def test_is_country() -> None:
    assert is_country("SENEGAL")
    assert is_country("Egypt")
    assert is_country("KOSOVO")  # a country without an ISO 3166-1 code
    assert not is_country("GLOBAL")
    assert not is_country("Regional Bureau for Africa")
    assert not is_country("National")
    assert not is_country("International")
    assert not is_country("Consultant")
    assert not is_country("")


def test_alias_table_is_consistent_with_pycountry() -> None:
    for name, code in countries._ALIASES.items():
        assert pycountry.countries.get(alpha_3=code) is not None, name
        assert name == name.upper()
    # The aliases never contradict pycountry: a pycountry spelling keeps its pycountry code.
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                assert iso3(value) == c.alpha_3, value


def test_every_iso_country_is_found_in_a_run() -> None:
    names = [c.name.upper() for c in pycountry.countries]
    raw = "".join(names)
    got = split(raw)
    assert all(code is not None for _, code in got)
    assert [code for _, code in got] == [c.alpha_3 for c in pycountry.countries]


def test_doctests() -> None:
    assert doctest.testmod(countries).failed == 0


class _CountingChildren(dict[str, "countries._Node"]):
    """A trie node's children that count the steps the segmentation takes through them."""

    steps = 0

    def get(self, key: str, default: Any = None) -> Any:
        _CountingChildren.steps += 1
        return super().get(key, default)


def _counting_trie(node: countries._Node) -> countries._Node:
    return countries._Node(
        _CountingChildren({ch: _counting_trie(child) for ch, child in node.children.items()}), node.entry
    )


def test_large_value_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work, not time: trie steps per character stay flat as the value doubles.

    A quadratic split (each start rescanning the rest) would show as steps per character
    growing with the size; the trie walk from each position is bounded by the longest name.
    """
    gaz = countries._gazetteer()
    counting = countries._Gazetteer(gaz.entries, _counting_trie(gaz.trie))
    monkeypatch.setattr(countries, "_gazetteer", lambda: counting)
    names = sorted(gaz.entries)
    longest = max(len(name) for name in names)
    unit = "".join(names) + "XYZ junk; "
    per_char = {}
    for size in (20_000, 40_000):
        raw = (unit * (size // len(unit) + 1))[:size]
        _CountingChildren.steps = 0
        got = split_countries(raw)
        per_char[size] = _CountingChildren.steps / size
        assert_invariant(raw, [n for n, _ in got])
        assert len(got) > 200
        assert per_char[size] <= longest
    assert per_char[20_000] >= 1  # the counting trie is the one in use
    assert per_char[40_000] <= 1.1 * per_char[20_000]
    for size in (20_000, 40_000):
        _CountingChildren.steps = 0
        assert split_countries("Q" * size) == [("Q" * size, None)]
        assert size <= _CountingChildren.steps <= 2 * size


# --------------------------------------------------------------------------- properties

_KNOWN = sorted(countries._gazetteer().entries)  # folded (upper-case) spellings
_known_name = st.sampled_from(_KNOWN).flatmap(
    lambda n: st.sampled_from([n, n.title(), n.lower()]) if n.isascii() else st.just(n)
)
_separators = st.text(alphabet=SEPARATORS, max_size=3)
_junk = st.text(alphabet="ABCXYZ-.'|()?é ,;\nabc", min_size=1, max_size=8)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.one_of(_known_name, _junk, _separators), max_size=12))
def test_invariant_on_random_mixtures(parts: list[str]) -> None:
    split("".join(parts))


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=60))
def test_invariant_on_arbitrary_text(raw: str) -> None:
    split(raw)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.sampled_from(_KNOWN), min_size=1, max_size=10))
def test_run_together_known_names_leave_nothing_unknown(names: list[str]) -> None:
    got = split("".join(names))
    entries = countries._gazetteer().entries
    assert all(countries._key(name) in entries for name, _ in got)
    assert len(got) <= len(names)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.sampled_from(_KNOWN), min_size=1, max_size=10))
def test_semicolon_lists_split_exactly(names: list[str]) -> None:
    got = split(";".join(names))
    assert [n for n, _ in got] == names
    assert [code for _, code in got] == [iso3(n) for n in names]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # ISO 3166's official names, inverted (issue 14, point 3).
        ("Korea, Republic of", [("Korea, Republic of", "KOR")]),
        ("Tanzania, United Republic of", [("Tanzania, United Republic of", "TZA")]),
        ("Moldova, Republic of", [("Moldova, Republic of", "MDA")]),
        ("Iran, Islamic Republic of", [("Iran, Islamic Republic of", "IRN")]),
        ("Congo, The Democratic Republic of the", [("Congo, The Democratic Republic of the", "COD")]),
        ("Venezuela, Bolivarian Republic of", [("Venezuela, Bolivarian Republic of", "VEN")]),
        ("Bolivia, Plurinational State of", [("Bolivia, Plurinational State of", "BOL")]),
        # The portal's own, in any country's name: no table entry needed.
        ("CAMEROON, REPUBLIC OF", [("CAMEROON, REPUBLIC OF", "CMR")]),
        ("EGYPT, ARAB REPUBLIC OF", [("EGYPT, ARAB REPUBLIC OF", "EGY")]),
        ("NEPAL, FEDERAL DEMOCRATIC REPUBLIC OF", [("NEPAL, FEDERAL DEMOCRATIC REPUBLIC OF", "NPL")]),
        ("CHINA, PEOPLE’S REPUBLIC OF", [("CHINA, PEOPLE’S REPUBLIC OF", "CHN")]),
        ("BAHRAIN, KINGDOM OF", [("BAHRAIN, KINGDOM OF", "BHR")]),
        ("GAMBIA, THE", [("GAMBIA, THE", "GMB")]),
        ("Kosovo, Republic of", [("Kosovo, Republic of", None)]),
        # Inside run-together lists.
        (
            "CHILEEGYPT, ARAB REPUBLIC OFPERU",
            [("CHILE", "CHL"), ("EGYPT, ARAB REPUBLIC OF", "EGY"), ("PERU", "PER")],
        ),
        ("ARMENIA, REPUBLIC OFGEORGIA", [("ARMENIA, REPUBLIC OF", "ARM"), ("GEORGIA", "GEO")]),
        ("YEMEN, REPUBLIC OF; SUDAN", [("YEMEN, REPUBLIC OF", "YEM"), ("SUDAN", "SDN")]),
        # Not a qualifier: a second entry.
        ("PERU, CHILE", [("PERU", "PER"), ("CHILE", "CHL")]),
        ("CHILE, REPUBLIC OF KOREA", [("CHILE", "CHL"), ("REPUBLIC OF KOREA", "KOR")]),
        ("BRAZIL, STATE OF SAO PAULO", [("BRAZIL", "BRA"), ("STATE OF SAO PAULO", None)]),
        # A unit is not a country: it takes no state form.
        ("GLOBAL, REPUBLIC OF", [("GLOBAL", None), ("REPUBLIC OF", None)]),
    ],
)
def test_inverted_names_are_one_country(raw: str, expected: list[tuple[str, str | None]]) -> None:
    assert split_countries(raw) == expected
    if len(expected) == 1 and expected[0][1]:
        assert iso3(raw) == expected[0][1] and is_country(raw)

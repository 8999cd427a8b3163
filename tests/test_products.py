"""HS products: lookups in the shipped HS 2022 table, code validation, revisions."""

from __future__ import annotations

import pytest

from bilateral.data import products
from bilateral.errors import ParameterError


def test_describe_a_heading_gives_text_chapter_and_section() -> None:
    info = products.describe("2709")
    assert info.level == 4
    assert info.description == "Petroleum oils and oils obtained from bituminous minerals; crude"
    assert (info.chapter, info.section, info.section_name) == ("27", "V", "Mineral products")
    assert info.revision == "HS22"


def test_describe_accepts_dotted_codes() -> None:
    assert products.describe("8542.31").code == "854231"


def test_chapter_of_takes_the_first_two_digits() -> None:
    assert products.chapter_of("271111") == "27"


def test_heading_of_a_chapter_is_an_error() -> None:
    with pytest.raises(ParameterError, match="is a chapter"):
        products.heading_of("27")


def test_section_of_electronic_integrated_circuits_is_xvi() -> None:
    assert products.section_of("8542") == "XVI"


def test_chapter_99_belongs_to_no_section() -> None:
    assert products.section_of("99") is None


def test_the_table_has_97_chapters_1229_headings_and_5613_subheadings() -> None:
    # counts documented in data/raw/hs_classification/PROVENANCE.md
    assert products.chapters().height == 97
    assert products.headings().height == 1229
    assert products.subheadings().height == 5613


def test_there_are_21_sections_and_section_v_spans_chapters_25_to_27() -> None:
    table = products.sections()
    assert table.height == 21
    row = table.filter(table["section"] == "V").row(0, named=True)
    assert (row["first_chapter"], row["last_chapter"]) == ("25", "27")


def test_malformed_code_is_rejected_with_the_expected_shape() -> None:
    with pytest.raises(ParameterError, match="expected 2, 4 or 6 digits"):
        products.validate_hs_code("27x")


def test_a_three_digit_code_hints_at_a_lost_leading_zero() -> None:
    with pytest.raises(ParameterError, match="try '0101'"):
        products.validate_hs_code("101")


def test_an_integer_code_is_rejected_because_leading_zeros_are_lost() -> None:
    with pytest.raises(ParameterError, match="must be strings"):
        products.validate_hs_code(101)  # type: ignore[arg-type]


def test_unknown_subheading_suggests_a_sibling() -> None:
    with pytest.raises(ParameterError, match=r"Unknown HS code '270999'.*Did you mean '270900'"):
        products.validate_hs_code("270999")


def test_chapter_77_is_explained_as_reserved() -> None:
    with pytest.raises(ParameterError, match="reserved"):
        products.validate_hs_code("77")


def test_chapters_can_be_checked_in_an_older_revision() -> None:
    assert products.validate_hs_code("27", revision="HS92") == "27"


def test_headings_in_an_older_revision_need_a_concordance() -> None:
    with pytest.raises(ParameterError, match="need a concordance"):
        products.describe("2709", revision="HS92")


@pytest.mark.parametrize(
    ("given", "canonical"), [("HS2022", "HS22"), ("h0", "HS92"), ("2007", "HS07"), ("HS17", "HS17")]
)
def test_revision_names_are_normalized(given: str, canonical: str) -> None:
    assert products.normalize_revision(given) == canonical


def test_unknown_revision_lists_the_known_ones() -> None:
    with pytest.raises(ParameterError, match="Unknown HS revision 'HS2099'; use one of HS92"):
        products.normalize_revision("HS2099")

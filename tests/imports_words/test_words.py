"""Choices, yes/no and headings written as the officer writes them: codes, Vietnamese or
English labels and headings, any case, extra spaces, Unicode composed or decomposed; tone marks
always count."""

import unicodedata

import pytest
from django.utils import translation

from exchange.imports.cells import CellError, choice_words, parse_bool, parse_choice
from exchange.imports.files import header_codes
from exchange.kinds import KINDS
from localities.models import CaseArticle, InspectionOutcome, InspectionTeam, Line, ReportOutcome

IMPORTED_CHOICES = [Line, InspectionTeam, InspectionOutcome, ReportOutcome, CaseArticle]


def decomposed(text: str) -> str:
    """The text as some Windows keyboards type it: letters and their accents apart."""
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize("choices", IMPORTED_CHOICES, ids=lambda c: c.__name__)
def test_each_code_and_label_names_its_own_choice_and_no_other(choices):
    # choice_words raises if one word names two choices.
    words = choice_words(choices)
    for value, label in zip(choices.values, choices.labels, strict=True):
        for language in ("vi", "en"):
            with translation.override(language):
                shown = str(label)
            assert parse_choice(shown, choices) == value
            assert parse_choice(f"  {shown.upper()} ", choices) == value
            assert parse_choice(decomposed(shown), choices) == value
        assert parse_choice(value, choices) == value
    # Each choice's code and its two labels, nothing else (labels equal to their code count once).
    assert set(words.values()) == set(choices.values)


def test_the_outcome_in_vietnamese_and_in_english():
    assert parse_choice("Có vi phạm", InspectionOutcome) == "violation"
    assert parse_choice("không  vi   phạm", InspectionOutcome) == "no_violation"
    assert parse_choice("Violation found", InspectionOutcome) == "violation"
    assert parse_choice("Công an tự kiểm tra", InspectionTeam) == "police"
    assert parse_choice("Khởi tố vụ án", ReportOutcome) == "case_opened"
    assert parse_choice("Điều 328 — môi giới mại dâm", CaseArticle) == "328"


def test_tone_marks_are_never_ignored():
    for written in ("Co vi pham", "Có vi pham", "Cỏ vi phạm"):
        with pytest.raises(CellError):
            parse_choice(written, InspectionOutcome)


def test_a_mistyped_label_lists_the_codes_and_labels_in_the_users_language():
    with translation.override("vi"), pytest.raises(CellError) as refused:
        parse_choice("Có vi pham", InspectionOutcome)
    assert str(refused.value) == (
        "Không dùng được “Có vi pham” ở đây: hãy ghi một trong các giá trị "
        "no_violation (Không vi phạm); violation (Có vi phạm)."
    )
    with translation.override("en"), pytest.raises(CellError) as refused:
        parse_choice("hotel", Line)
    message = str(refused.value)
    assert message.startswith("“hotel” is not allowed here: write one of accommodation ")
    assert "karaoke (Karaoke); discotheque (Discotheque)" in message


@pytest.mark.parametrize(
    ("written", "value"),
    [("Có", True), ("KHÔNG", False), (" có ", True), ("không", False), ("true", True)],
)
def test_yes_or_no_in_vietnamese(written, value):
    assert parse_bool(written, default=not value) is value
    assert parse_bool(decomposed(written), default=not value) is value


def test_a_yes_or_no_with_another_tone_is_refused_naming_what_to_write():
    with translation.override("en"), pytest.raises(CellError) as refused:
        parse_bool("cỏ", default=True)
    assert str(refused.value) == (
        "“cỏ” is not yes or no: write có or không (true or false, yes or no)."
    )


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=lambda k: k.id)
def test_each_heading_names_its_own_column_and_no_other(kind):
    # header_words raises if a heading names two columns.
    words = kind.header_words()
    assert set(words.values()) == set(kind.column_names)
    for column in kind.column_names:
        for language in ("vi", "en"):
            with translation.override(language):
                heading = str(kind.heading(column))
            assert header_codes([heading], words) == [column]
            assert header_codes([f" {decomposed(heading).upper()}  "], words) == [column]
        assert header_codes([column], words) == [column]


def test_the_inspections_headings_as_the_instructions_show_them():
    kind = KINDS["inspections"]
    words = kind.header_words()
    header = ["Mã cơ sở", "Ngày kiểm tra", "Lực lượng kiểm tra", "Kết quả", "fine_vnd"]
    assert header_codes(header, words) == [
        "establishment_code",
        "inspected_on",
        "team",
        "outcome",
        "fine_vnd",
    ]
    # An unknown heading is kept (normalised) for the header check to name it.
    assert header_codes(["Kết quả kiểm tra"], words) == ["kết quả kiểm tra"]

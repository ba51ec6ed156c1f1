"""Author lists: the table's 'Name (Affiliation)' cells and the program's glued by-lines."""

from __future__ import annotations

from pipeline.parse.names import split_glued_byline


def test_abstract_glued_to_last_author_is_split_at_the_glue():
    authors, abstract = split_glued_byline(
        "Sami Abboud, Eleanor Hanna, Schaun WheelerConsumer applications provide ample opportunities.")
    assert authors == ["Sami Abboud", "Eleanor Hanna", "Schaun Wheeler"]
    assert abstract == "Consumer applications provide ample opportunities."


def test_internal_capital_of_a_name_is_not_the_glue():
    authors, abstract = split_glued_byline("Ann McDonald, Bob LeCunWe study the effect of x.")
    assert authors == ["Ann McDonald", "Bob LeCun"]
    assert abstract == "We study the effect of x."


def test_last_name_with_diacritics_splits_before_the_abstract():
    authors, abstract = split_glued_byline("Lidia Wojciechowska, Eliška KremeňováBuilding large-scale systems is hard.")
    assert authors[-1] == "Eliška Kremeňová"
    assert abstract.startswith("Building large-scale")


def test_initials_and_particles_stay_inside_names():
    authors, _ = split_glued_byline("Jason H.D. Cho, Maarten de Rijke, Ji-Rong WenSequential recommendation matters.")
    assert authors == ["Jason H.D. Cho", "Maarten de Rijke", "Ji-Rong Wen"]


def test_names_only_line_has_no_abstract():
    assert split_glued_byline("Ann Lee, Bo Xu") == (["Ann Lee", "Bo Xu"], None)


def test_prose_that_is_not_a_name_list_is_not_guessed():
    assert split_glued_byline("this is just a sentence about models") == ([], None)

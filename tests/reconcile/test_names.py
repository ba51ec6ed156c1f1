from pipeline.reconcile.names import damaged_name, list_similarity, person_score


def test_accents_hyphens_and_case_do_not_change_a_person():
    assert person_score("Emilia Gómez", "Emilia Gomez") == 1.0
    assert person_score("Yiu-Kai Ng", "Yiu Kai Ng") == 1.0


def test_middle_names_and_initials_still_match():
    assert person_score("Elena V. Epure", "Elena Epure") >= 0.9
    assert person_score("Aleksandra Maria Osowska-Kurczab", "Aleksandra Osowska-Kurczab") >= 0.9
    assert person_score("E. Epure", "Elena Epure") >= 0.9


def test_glued_and_split_spellings_match():
    assert person_score("BobPatel", "Bob Patel") == 1.0
    assert person_score("Schaun WheelerConsumer", "Schaun Wheeler") >= 0.8


def test_surname_first_order_matches():
    assert person_score("Zhang Wei", "Wei Zhang") == 1.0


def test_different_people_sharing_a_given_name_do_not_match():
    assert person_score("Yu Xia", "Yu Xiao") < 0.6
    assert person_score("Li Wei", "Li Chen") < 0.6


def test_list_similarity_is_order_free_and_one_to_one():
    assert list_similarity(["Bo Xu", "Ann Lee"], ["Ann Lee", "Bo Xu"]) == 1.0
    assert list_similarity(["Ann Lee", "Ann Lee"], ["Ann Lee", "Cy Ode"]) == 0.5


def test_damaged_names_are_recognised_and_particles_are_not():
    assert damaged_name("BobPatel") == "glued"
    assert damaged_name("GaNahum") == "glued"
    assert damaged_name("Shuhei") == "truncated"
    assert damaged_name("Yann LeCun") is None
    assert damaged_name("Ian McDonald") is None
    assert damaged_name("Andreas F. Ehmann") is None

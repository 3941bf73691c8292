from bot.nlu.examples import Example, read_examples, same_text_key


def test_a_folder_is_read_file_by_file_with_annotations_removed_and_other_blocks_skipped(tmp_path):
    (tmp_path / "a.yml").write_text(
        "nlu:\n- intent: rejection_pin_invalid\n  examples: |\n"
        "    - [T-Mobile](carrier) says my PIN is wrong\n"
        '    - call [555-0101]{"entity": "phone_number"} now\n'
    )
    (tmp_path / "b.yml").write_text(
        "nlu:\n- regex: order_id\n  examples: |\n    - PO-\\d{5}\n- intent: greet\n  examples: |\n    - hi\n"
    )
    assert read_examples(tmp_path) == [
        Example("rejection_pin_invalid", "T-Mobile says my PIN is wrong"),
        Example("rejection_pin_invalid", "call 555-0101 now"),
        Example("greet", "hi"),
    ]
    assert read_examples(tmp_path)[0].is_rejection and not read_examples(tmp_path)[2].is_rejection


def test_the_same_text_key_ignores_case_and_spacing_only():
    assert same_text_key(" My  PIN\twas wrong ") == same_text_key("my pin was wrong")
    assert same_text_key("my pin was wrong.") != same_text_key("my pin was wrong")


def test_no_held_out_faq_question_is_a_training_example():
    from bot.settings import PROJECT_ROOT

    examples = read_examples(PROJECT_ROOT / "data" / "nlu")
    trained = {same_text_key(example.text) for example in examples}
    held_out = read_examples(PROJECT_ROOT / "tests" / "faq_holdout.yml")
    assert not [e.text for e in held_out if same_text_key(e.text) in trained]
    # every FAQ answer is measured, with at least 3 questions of its own
    answers = {e.intent for e in examples if e.intent.startswith("faq/")}
    per_answer = {answer: sum(e.intent == answer for e in held_out) for answer in answers}
    assert len(answers) >= 30 and min(per_answer.values()) >= 3, per_answer
    assert {e.intent for e in held_out} <= answers


def test_the_real_notices_have_sources_cover_every_category_and_are_never_trained_on():
    import yaml

    from bot.core.catalog import CATEGORY_IDS
    from bot.nlu.evaluation import REAL_NOTICES, read_real_notices
    from bot.settings import PROJECT_ROOT

    entries = yaml.safe_load(REAL_NOTICES.read_text(encoding="utf-8"))["notices"]
    assert len(entries) >= 200 and all(entry["source"].strip() for entry in entries)
    notices = read_real_notices()
    assert {n.intent for n in notices} <= set(CATEGORY_IDS)
    trained = {same_text_key(example.text) for example in read_examples(PROJECT_ROOT / "data" / "nlu")}
    assert not [n.text for n in notices if same_text_key(n.text) in trained]

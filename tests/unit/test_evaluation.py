import json

import pytest

from bot.core.errors import UserError
from bot.core.understanding import understand
from bot.nlu.evaluation import (
    LabelledMessage,
    accuracy_shortfall,
    novel_report,
    product_label,
    product_report,
    read_holdout_messages,
    read_report,
    score_labels,
    scores_from_report,
    shortfalls,
    write_evaluation,
)


def classify_as(intents: dict[str, str]):
    """What `Classifier.classify` returns when the model predicts `intents[text]` at 0.9."""
    return lambda text: understand(
        {"text": text, "intent": {"name": intents[text], "confidence": 0.9}, "entities": []}
    ).as_json()


def write_predictions(folder, successes, errors=()):
    folder.mkdir(parents=True, exist_ok=True)

    def rows(pairs, right):
        return [
            {
                "text": text,
                "intent": intent,
                "intent_prediction": {"name": intent if right else "greet", "confidence": 0.8},
            }
            for text, intent in pairs
        ]

    (folder / "intent_successes.json").write_text(json.dumps(rows(successes, True)))
    if errors:
        (folder / "intent_errors.json").write_text(json.dumps(rows(errors, False)))


def test_the_product_label_is_the_category_explained_or_else_the_intent():
    assert product_label({"intent": "port_rejected", "category": "pin_invalid"}) == "rejection_pin_invalid"
    assert product_label({"intent": "ask_term", "category": None}) == "ask_term"
    assert product_label({"intent": "nlu_fallback", "category": None}) == "nlu_fallback"


def test_the_notice_parser_corrects_a_generic_intent_in_the_product_figure():
    messages = [
        LabelledMessage("Reject reason: END USER NAME MISMATCH", "rejection_name_mismatch"),
        LabelledMessage("my port was rejected", "port_rejected"),
    ]
    model_says = {message.text: "port_rejected" for message in messages}

    report = product_report(messages, classify_as(model_says))

    assert report["rejection_name_mismatch"]["f1-score"] == 1.0
    assert report["port_rejected"]["f1-score"] == 1.0
    assert report["macro avg"]["f1-score"] == 1.0


def test_a_wrong_category_counts_against_both_intents():
    messages = [
        LabelledMessage("they say my pin is wrong", "rejection_pin_invalid"),
        LabelledMessage("I switched on a setting in the app and now it won't move", "rejection_port_freeze"),
    ]
    model_says = {message.text: "rejection_pin_invalid" for message in messages}

    scores, macro_f1 = scores_from_report(product_report(messages, classify_as(model_says)))

    by_intent = {score.intent: score for score in scores}
    assert by_intent["rejection_pin_invalid"].precision == 0.5
    assert by_intent["rejection_port_freeze"].recall == 0.0
    assert macro_f1 == pytest.approx((2 / 3 + 0) / 2)


def test_the_macro_average_is_over_the_expected_intents_only():
    report = score_labels(["greet", "thank"], ["greet", "nlu_fallback"])
    assert "nlu_fallback" not in report
    assert report["macro avg"]["f1-score"] == pytest.approx(0.5)


def test_holdout_messages_come_from_both_prediction_files(tmp_path):
    write_predictions(tmp_path, successes=[("hi", "greet")], errors=[("thanks", "thank")])
    assert read_holdout_messages(tmp_path) == [
        LabelledMessage("hi", "greet", "greet"),
        LabelledMessage("thanks", "thank", "greet"),
    ]


def test_a_holdout_test_run_without_successes_gets_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="--successes"):
        read_holdout_messages(tmp_path)


def test_a_missing_report_tells_the_user_to_run_make_eval(tmp_path):
    with pytest.raises(UserError, match="make eval"):
        read_report(tmp_path / "intent_report.json")


def test_shortfalls_gate_the_macro_f1_and_each_rejection_category_only():
    report = score_labels(
        ["rejection_pin_invalid"] * 4 + ["greet"] * 4,
        ["rejection_pin_invalid"] * 3 + ["greet"] + ["greet"] * 3 + ["thank"],
    )
    scores, macro_f1 = scores_from_report(report)
    problems = shortfalls(scores, macro_f1)
    assert problems == [
        f"macro-F1 {macro_f1:.3f} is below 0.96",
        f"rejection_pin_invalid F1 {scores[1].f1:.3f} is below 0.92",
    ]


def test_an_accuracy_figure_writes_its_misses_and_gates_on_its_target(tmp_path, capsys):
    messages = [LabelledMessage(text, label) for text, label in (("a", "x"), ("b", "x"), ("c", "y"), ("d", "y"))]
    guesses = {"a": "x", "b": "x", "c": "y", "d": None}
    out = tmp_path / "misses.tsv"
    assert accuracy_shortfall("Set", messages, guesses.get, 0.75, out) == []
    assert out.read_text() == "y\tNone\td\n" and "3 of 4 right, accuracy 0.750" in capsys.readouterr().out
    assert accuracy_shortfall("Set", messages, guesses.get, 0.76, out) == ["Set accuracy 0.750 is below 0.76"]


def test_write_evaluation_reports_all_three_figures_and_gates_the_model_only(tmp_path, capsys):
    notice = "statusReasonCode - 6P ~ port protection enabled"
    write_predictions(tmp_path / "holdout", successes=[("hello", "greet")], errors=[(notice, "rejection_port_freeze")])
    # The model alone missed the notice; the product reads its code.
    model_only = score_labels(["greet", "rejection_port_freeze"], ["greet", "port_rejected"])
    (tmp_path / "holdout" / "intent_report.json").write_text(json.dumps(model_only))
    (tmp_path / "cross-validation").mkdir()
    (tmp_path / "cross-validation" / "intent_report.json").write_text(json.dumps(score_labels(["greet"], ["greet"])))

    training = tmp_path / "nlu.yml"
    training.write_text("nlu:\n- intent: greet\n  examples: |\n    - Hello\n")
    problems = write_evaluation(tmp_path, classify_as({"hello": "greet", notice: "port_rejected"}), training)

    assert problems == ["macro-F1 0.500 is below 0.96", "rejection_port_freeze F1 0.000 is below 0.92"]
    product = json.loads((tmp_path / "holdout-product" / "intent_report.json").read_text())
    assert product["macro avg"]["f1-score"] == 1.0
    tables = (tmp_path / "nlu-evaluation.md").read_text()
    assert "as the product classifies" in tables and "model only" in tables
    # "hello" is also a training example: only the notice is novel, and the model missed it
    assert "the 1 of 2 messages that are not the text of a training example" in tables
    novel = json.loads((tmp_path / "holdout-novel" / "intent_report.json").read_text())
    assert novel["macro avg"]["f1-score"] == 0.0 and "greet" not in novel
    assert "cross-validation" in capsys.readouterr().out


def test_novel_messages_are_those_no_training_example_has_case_and_spacing_aside():
    messages = [
        LabelledMessage("Thanks", "thank", "thank"),
        LabelledMessage("my PIN  was wrong", "rejection_pin_invalid", "rejection_pin_invalid"),
        LabelledMessage("they say 8C", "rejection_pin_invalid", "rejection_account_number"),
    ]
    report, count = novel_report(messages, ["thanks", "My pin was wrong"])
    assert count == 1 and report["rejection_pin_invalid"]["recall"] == 0.0


def test_the_conversation_rate_counts_failures_and_errors_and_gates_at_095(tmp_path, capsys):
    from bot.nlu.evaluation import conversation_results, conversation_shortfalls

    cases = "".join(f'<testcase name="c{n}"/>' for n in range(18))
    junit = tmp_path / "conversations.xml"
    junit.write_text(
        f'<testsuites><testsuite>{cases}<testcase name="bad"><failure message="x"/></testcase>'
        '<testcase name="broken"><error message="y"/></testcase>'
        '<testcase name="skip"><skipped/></testcase></testsuite></testsuites>'
    )
    assert conversation_results(junit) == (20, ["bad", "broken"])
    assert conversation_shortfalls(junit) == ["conversation success rate 0.900 < 0.95"]
    assert "18 of 20 end right" in capsys.readouterr().out

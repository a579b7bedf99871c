"""Topic timelines: every meeting on a topic, one entry each, in meeting-date order, undated last."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from index.collection import Collection
from index.search import Passage
from index.timeline import is_dated, meetings_in_order

MEETINGS = Path(__file__).parent / "meetings"
ANNOTATIONS = json.loads((MEETINGS / "annotations.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def meetings(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    collection = Collection(tmp_path_factory.mktemp("timeline") / "m.db")
    collection.add_paths([MEETINGS])
    return collection


def _passage(doc_id: str, date: str | None, score: float) -> Passage:
    return Passage(doc_id=doc_id, title=doc_id, date=date, place=None, source_url=None, paragraph=1, position=0,
                   text="…", heading="", speakers=(), score=score, coverage=1.0)


def test_one_entry_per_meeting_its_best_passage_dated_first_in_date_order() -> None:
    ranked = [
        _passage("c", None, 9), _passage("a", "2024-05-01", 8), _passage("b", "2023-01-02", 7),
        _passage("a", "2024-05-01", 6), _passage("d", "--06-04", 5),
    ]
    ordered = meetings_in_order(ranked)
    assert [(p.doc_id, p.score) for p in ordered] == [("b", 7), ("a", 8), ("c", 9), ("d", 5)]


@pytest.mark.parametrize("date", [None, "--06-04", "2024-13", ""])
def test_a_date_without_year_month_and_day_cannot_be_placed(date: str | None) -> None:
    assert not is_dated(date)


@pytest.mark.parametrize("topic", sorted(ANNOTATIONS["timelines"]))
def test_timelines_list_the_annotated_meetings_in_date_order(meetings: Collection, topic: str) -> None:
    names = {record.id: Path(record.name).name for record in meetings.documents()}
    listed = [names[passage.doc_id] for passage in meetings.timeline(topic)]
    reprints = {copy for _original, copy in ANNOTATIONS["reprints"]}  # shown once, as the original
    assert listed == [name for name in ANNOTATIONS["timelines"][topic] if name not in reprints]
    dates = [ANNOTATIONS["documents"][name]["date"] for name in listed]
    dated = [date for date in dates if date]
    assert dated == sorted(dated) and dates[: len(dated)] == dated


def test_a_topic_no_meeting_addresses_has_an_empty_timeline(meetings: Collection) -> None:
    assert meetings.timeline("载人航天发射") == []


def test_cli_timeline_prints_meetings_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "cli.db"
    assert main(["index", str(MEETINGS), "--db", str(db)]) in (0, 1)
    capsys.readouterr()
    assert main(["timeline", "防汛", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2 次会议" in out and out.index("2023年6月8日") < out.index("2024年5月28日")
    assert main(["timeline", "", "--db", str(db)]) == 2

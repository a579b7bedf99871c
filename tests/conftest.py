"""Shared fixtures: small documents written for the tests, and fresh collections."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.collection import Collection

SHARED = Path(__file__).resolve().parents[2] / "shared"
ARCHIVE = Path(__file__).parent / "archive"
"""Seven short reports of county meetings written for the tests: two 县政府常务会议 (第十次, 第十一次), two
yearly 县委农村工作会议, a 专题会议 and a 全体会议 of one leading group, and a 电视电话会议."""

MEETING_REPORT = """县农业农村局召开秋粮收购工作推进会

9月12日，县农业农村局召开秋粮收购工作推进会。局长张建国主持会议并讲话。
张建国强调，要全力做好秋粮收购准备，确保仓容充足、资金到位。要加强粮食质量检测，
严禁压级压价，切实保护种粮农民利益。
会议要求，各乡镇要在10月底前完成烘干设备检修，做好安全生产工作。
信息来源：某县农业农村局
原文链接：http://nyj.example.gov.cn/xw/202309/t20230913_1.html
"""

RIVER_REPORT = """市水利局召开河湖长制工作会议

5月8日，市水利局召开河湖长制工作会议，部署汛期河道清淤和堤防加固工作。
局长李明华指出，要落实河湖长巡河责任，加快推进河道清淤，确保汛前完成堤防加固。
"""


@pytest.fixture
def collection(tmp_path: Path) -> Collection:
    """An empty collection in a temporary folder."""
    created = Collection(tmp_path / "test.db")
    yield created
    created.close()


@pytest.fixture
def meeting_files(tmp_path: Path) -> Path:
    """A folder with two small meeting reports."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "grain.txt").write_text(MEETING_REPORT, encoding="utf-8")
    (folder / "river.txt").write_text(RIVER_REPORT, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    """A collection of the test archive (``ARCHIVE``), shared by a module's tests."""
    collection = Collection(tmp_path_factory.mktemp("archive") / "a.db")
    collection.add_paths([ARCHIVE])
    yield collection
    collection.close()

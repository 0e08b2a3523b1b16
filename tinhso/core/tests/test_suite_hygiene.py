"""The suite's own output stays readable: every collected test has its own id, so pytest's progress
counter reaches 100% (Schemathesis's per-operation tests all shared one id and it stopped at 77%)."""

from collections import Counter


def test_every_collected_test_has_its_own_id(request):
    ids = Counter(item.nodeid for item in request.session.items)
    assert [nodeid for nodeid, count in ids.items() if count > 1] == []

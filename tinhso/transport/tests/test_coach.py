"""The disguised-coach score: its components on hand-made trips, and precision/recall on a small
generated dataset with planted cases."""

import datetime as dt

from tinhso.transport import analysis, coach, generator, services, store


def _trip(day: dt.date, hour: float, forward: bool, stops: int, km: float = 80) -> dict:
    a, b = (21.59, 105.85), (21.03, 105.85)
    start = int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp()) - 7 * 3600 + int(hour * 3600)
    (sa, so), (ea, eo) = (a, b) if forward else (b, a)
    return {"vehicle_id": 1, "start": start, "end": start + 7200, "start_lat": sa, "start_lon": so, "end_lat": ea,
            "end_lon": eo, "distance_m": km * 1000, "stops": stops, "day": day}


def test_a_daily_timetable_with_stops_scores_high_and_a_shuttle_low():
    days = [dt.date(2025, 3, 3) + dt.timedelta(days=i) for i in range(28)]
    coach_trips = [t for d in days for t in (_trip(d, 6.0, True, 5), _trip(d, 14.0, False, 6))]
    score = coach.score_vehicle(1, coach_trips, 28)
    assert score.score == 100 and score.flagged and score.days_on_route == 28
    assert score.departures == {"0→1": "06:00", "1→0": "14:00"}
    shuttle = coach.score_vehicle(1, [t for d in days for t in (_trip(d, 6.0, True, 0), _trip(d, 14.0, False, 1))],
                                  28)
    assert shuttle.components["R"] == 1 and shuttle.components["S"] < 0.5 and not shuttle.flagged
    hires = [_trip(days[i], 6 + i % 9, True, 4) for i in (0, 9, 20)]
    assert coach.score_vehicle(1, hires, 28).score == 0  # too few days on a route
    # a window wandering over two hours earns partial credit; departures at any hour of the day none
    jittery = [t for i, d in enumerate(days) for t in (_trip(d, 6 + (i % 5) * 0.5, True, 5),)]
    assert 0.5 < coach.score_vehicle(1, jittery, 28).components["T"] < 0.9
    anytime = [t for i, d in enumerate(days) for t in (_trip(d, (i * 7) % 24, True, 5),)]
    assert coach.score_vehicle(1, anytime, 28).components["T"] < 0.4


def test_precision_and_recall_on_a_planted_dataset(inspector):
    fleet = generator.make_fleet(24, seed=7)
    ids = services.register_fleet(fleet)
    start = dt.date(2025, 9, 1)
    table = generator.generate_table(fleet, start, 21, seed=7)
    store.ingest(table, "parquet", services.vehicle_map())
    services.run_analysis(inspector, start, start + dt.timedelta(days=20))
    scores = services.coach_candidates(inspector, start, start + dt.timedelta(days=20))
    plate_of = {ids[i]: v.plate for i, v in enumerate(fleet.vehicles)}
    flagged = {plate_of[s.vehicle_id] for s in scores if s.flagged}
    truth = fleet.disguised_plates
    assert len(truth) >= 3
    result = coach.precision_recall(flagged, truth)
    assert result["precision"] >= 0.75 and result["recall"] >= 0.75, result
    top = scores[0]
    assert plate_of[top.vehicle_id] in truth and len(top.evidence) >= 10
    assert all(e["stops"] >= 0 for e in top.evidence)
    from django.test import Client

    client = Client()
    client.force_login(inspector)
    page = client.get(f"/transport/coaches/{top.vehicle_id}/?start={start}&end={start + dt.timedelta(days=20)}")
    assert page.status_code == 200 and "Các chuyến lặp lại" in page.content.decode()
    assert "Vì sao có điểm này" in page.content.decode() and "Giờ xuất phát thường lệ" in page.content.decode()
    listing = client.get(f"/transport/coaches/?start={start}&end={start + dt.timedelta(days=20)}").content.decode()
    assert plate_of[top.vehicle_id] in listing and "⚑" in listing
    assert analysis.RuleSet().rest_min_s == 900


def test_a_declared_contract_clears_a_shuttle_that_picks_people_up(inspector, fleet):
    """A worker shuttle stopping in villages along its route every day looks like a coach line by its
    timetable and stops; its declared contract is the evidence that tells it apart."""
    from tinhso.transport.models import Contract

    days = [dt.date(2025, 3, 3) + dt.timedelta(days=i) for i in range(28)]
    trips = [t for d in days for t in (_trip(d, 6.0, True, 5), _trip(d, 17.0, False, 5))]
    shuttle = coach.score_vehicle(1, trips, 28)
    assert shuttle.flagged  # without the contract, its pattern is a coach's
    contract = Contract(number="HD-2025/07", vehicle=fleet["20B-012.34"], customer="Công ty May Sông Công",
                        origin="Phổ Yên", destination="Sông Công", start_date=dt.date(2025, 3, 1),
                        end_date=dt.date(2025, 3, 31), passengers=45)
    cleared = coach.apply_contracts(shuttle, [contract])
    assert cleared.score == 0 and not cleared.flagged and cleared.contract_share == 1
    assert all(e["contract"] == "HD-2025/07" for e in cleared.evidence)
    text = " ".join(coach.explain(cleared, 28))
    assert "HD-2025/07" in text and "Công ty May Sông Công" in text and "chưa đủ dấu hiệu" in text
    line = coach.score_vehicle(1, trips, 28)
    one_off = Contract(number="HD-1", vehicle=fleet["20B-012.34"], customer="Đoàn du lịch", origin="A",
                       destination="B", start_date=dt.date(2025, 3, 8), end_date=dt.date(2025, 3, 9))
    kept = coach.apply_contracts(line, [one_off])
    assert kept.flagged and kept.contract_share < 0.1  # a one-off hire does not cover a coach line
    assert "nghi vấn xe hợp đồng trá hình" in " ".join(coach.explain(kept, 28))


def test_a_timetable_around_midnight_is_one_timetable():
    """A night coach leaving at 23:50 one day and 00:10 the next keeps one timetable (the clock is a circle)."""
    days = [dt.date(2025, 3, 3) + dt.timedelta(days=i) for i in range(28)]
    trips = [t for i, d in enumerate(days) for t in (_trip(d, 23 + 50 / 60 if i % 2 else 24 + 10 / 60 - 24, True, 5),
                                                    _trip(d, 12.0, False, 5))]
    score = coach.score_vehicle(1, trips, 28)
    assert score.components["T"] == 1 and score.flagged
    assert score.departures["0→1"] in ("23:50", "00:10")

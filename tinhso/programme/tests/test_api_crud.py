"""The API covers schemes, plans, tasks, budgets, carry-over and search with the same rules as the pages;
bad input gets bilingual field errors, never a 500; stale updates get 409."""

from tinhso.programme.models import Plan, Scheme, Task


def test_scheme_plan_task_lifecycle(db, province, department, tnmt, root_admin, api_as):
    api = api_as(root_admin)
    response = api.post("/programme/schemes", {
        "code": "DA-1", "name": "Đề án chuyển đổi số tỉnh Bắc Kạn giai đoạn 2022–2025", "province_id": province.pk,
        "start_year": 2022, "end_year": 2025, "vision_year": 2030})
    assert response.status_code == 201, response.json()
    scheme = response.json()
    assert api.patch(f"/programme/schemes/{scheme['id']}", {"version": 1, "decision": "QĐ phê duyệt"}).json()[
        "version"] == 2
    assert api.patch(f"/programme/schemes/{scheme['id']}", {"version": 1, "decision": "x"}).status_code == 409

    response = api.post("/programme/plans", {"code": "KH-2024", "name": "Kế hoạch 2024", "scheme_id": scheme["id"],
                                             "year": 2024})
    assert response.status_code == 201
    plan = response.json()
    assert plan["province"]["id"] == province.pk and plan["end_year"] == 2024
    bad_year = api.post("/programme/plans", {"code": "KH-2031", "name": "x", "scheme_id": scheme["id"],
                                             "year": 2031})
    assert bad_year.status_code == 400 and bad_year.json()["errors"][0]["field"] == "year"

    response = api.post("/programme/tasks", {
        "plan_id": plan["id"], "code": "2024.09", "title": "Triển khai ứng dụng Công dân số Bắc Kạn",
        "pillar": "digital_society", "lead_unit_id": department.pk, "coordinating_unit_ids": [tnmt.pk],
        "due_date": "2024-12-31", "status": "in_progress", "progress": 20,
        "budget": [{"source": "provincial", "planned": "800", "allocated": "800", "disbursed": "410"}]})
    assert response.status_code == 201, response.json()
    task = response.json()
    assert task["budget"] == [{"source": "provincial", "planned": 800.0, "allocated": 800.0, "disbursed": 410.0}]
    assert task["coordinating_units"][0]["id"] == tnmt.pk and task["can_report"] is True

    updated = api.patch(f"/programme/tasks/{task['id']}", {"version": 1, "progress": 30})
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = api.patch(f"/programme/tasks/{task['id']}", {"version": 1, "progress": 40})
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"

    found = api.get("/programme/tasks", {"q": "cong dan so", "plan_id": plan["id"]}).json()
    assert found["count"] == 1 and found["items"][0]["state"] in ("in_progress", "overdue")
    assert api.get("/programme/tasks", {"q": "khong co"}).json()["count"] == 0
    assert api.get(f"/programme/tasks/{task['id']}/history").status_code == 200

    assert api.delete(f"/programme/plans/{plan['id']}?version=1").status_code == 400  # still has tasks
    assert api.delete(f"/programme/tasks/{task['id']}?version=2").status_code == 204
    assert api.delete(f"/programme/plans/{plan['id']}?version=1").status_code == 204
    assert api.delete(f"/programme/schemes/{scheme['id']}?version=2").status_code == 204
    assert not Scheme.objects.exists() and not Plan.objects.exists()


def test_bad_input_gets_field_errors_never_500(db, plan_2024, department, root_admin, api_as):
    api = api_as(root_admin)
    base = {"plan_id": plan_2024.pk, "code": "A", "title": "A", "pillar": "data", "lead_unit_id": department.pk}
    cases = [
        (base | {"status": "overdue"}, 422, "status"),
        (base | {"lead_unit_id": 999999}, 400, "lead_unit_id"),
        (base | {"progress": 101}, 422, "progress"),
        (base | {"status": "done", "progress": 50}, 400, "progress"),
        (base | {"due_date": "31/12/2024"}, 422, "due_date"),
        (base | {"start_date": "2024-05-01", "due_date": "2024-01-01"}, 400, "due_date"),
        (base | {"origin": "carried_over"}, 400, "carried_from"),
        (base | {"budget": [{"source": "provincial", "planned": 10, "allocated": 5, "disbursed": 8}]}, 400,
         "budget[0]"),
        (base | {"plan_id": 999999}, 404, None),
    ]
    for payload, status, field in cases:
        response = api.post("/programme/tasks", payload)
        assert response.status_code == status, (payload, response.json())
        body = response.json()
        assert body["message"]["vi"] and body["message"]["en"]
        if field:
            assert field in {e["field"] for e in body["errors"]}, body
    assert not Task.objects.exists()


def test_carry_over_through_the_api(db, plan_2023, plan_2024, department, make_task, root_admin, api_as,
                                    tttt_focal):
    make_task(plan_2023, "A", department)
    assert api_as(tttt_focal).post(f"/programme/plans/{plan_2023.pk}/carry-over",
                                   {"target_plan_id": plan_2024.pk}).status_code == 403
    response = api_as(root_admin).post(f"/programme/plans/{plan_2023.pk}/carry-over", {"target_plan_id": plan_2024.pk})
    assert response.status_code == 200
    created = response.json()["created"][0]
    detail = api_as(root_admin).get(f"/programme/tasks/{created['id']}").json()
    assert [link["plan_year"] for link in detail["chain"]] == [2023, 2024]
    assert detail["origin"] == "carried_over"

from django.apps import AppConfig


class DtiConfig(AppConfig):
    name = "tinhso.dti"
    label = "dti"
    verbose_name = "Đánh giá DTI / DTI assessment"
    demo_loader = "tinhso.dti.demo.load"
    demo_order = 50
    nav_entry = {"url_name": "dti:home", "title": "Chỉ số DTI",
                 "description": "Đánh giá, xếp hạng chuyển đổi số (DTI) của sở, ngành, xã, phường; phiếu điểm, "
                                "minh chứng và gợi ý nâng điểm", "order": 40}

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "tinhso.documents"
    label = "documents"
    verbose_name = _("Văn bản")
    default_auto_field = "django.db.models.BigAutoField"
    demo_loader = "tinhso.documents.demo.load"
    demo_order = 95  # after every module whose figures the reports carry
    nav_entry = {"url_name": "documents:home", "title": "Văn bản",
                 "description": "Soạn báo cáo, kế hoạch, kết quả DTI, tin bài đúng thể thức Nghị định 30/2020/NĐ-CP; "
                                "sổ đăng ký văn bản đi; kiểm tra thể thức một tệp DOCX", "order": 80}

"""The coded values printed on a Kartu Keluarga."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Religion(models.TextChoices):
    ISLAM = "islam", _("Islam")
    KRISTEN = "kristen", _("Kristen")
    KATOLIK = "katolik", _("Katolik")
    HINDU = "hindu", _("Hindu")
    BUDDHA = "buddha", _("Buddha")
    KHONGHUCU = "khonghucu", _("Khonghucu")
    KEPERCAYAAN = "kepercayaan", _("Kepercayaan terhadap Tuhan YME")


class Education(models.TextChoices):
    NONE = "tidak_sekolah", _("Tidak/belum sekolah")
    SD_INCOMPLETE = "belum_tamat_sd", _("Belum tamat SD/sederajat")
    SD = "sd", _("Tamat SD/sederajat")
    SLTP = "sltp", _("SLTP/sederajat")
    SLTA = "slta", _("SLTA/sederajat")
    D1_D2 = "d1_d2", _("Diploma I/II")
    D3 = "d3", _("Akademi/Diploma III/Sarjana Muda")
    D4_S1 = "d4_s1", _("Diploma IV/Strata I")
    S2 = "s2", _("Strata II")
    S3 = "s3", _("Strata III")


class BloodType(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    AB = "AB", "AB"
    O = "O", "O"  # noqa: E741
    A_POS = "A+", "A+"
    A_NEG = "A-", "A-"
    B_POS = "B+", "B+"
    B_NEG = "B-", "B-"
    AB_POS = "AB+", "AB+"
    AB_NEG = "AB-", "AB-"
    O_POS = "O+", "O+"
    O_NEG = "O-", "O-"
    UNKNOWN = "-", _("Tidak tahu")


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", _("Belum kawin")
    MARRIED_RECORDED = "kawin_tercatat", _("Kawin tercatat")
    MARRIED_UNRECORDED = "kawin_belum_tercatat", _("Kawin belum tercatat")
    DIVORCED = "cerai_hidup", _("Cerai hidup")
    WIDOWED = "cerai_mati", _("Cerai mati")


class Relationship(models.TextChoices):
    HEAD = "kepala_keluarga", _("Kepala keluarga")
    HUSBAND = "suami", _("Suami")
    WIFE = "istri", _("Istri")
    CHILD = "anak", _("Anak")
    CHILD_IN_LAW = "menantu", _("Menantu")
    GRANDCHILD = "cucu", _("Cucu")
    PARENT = "orang_tua", _("Orang tua")
    PARENT_IN_LAW = "mertua", _("Mertua")
    OTHER_RELATIVE = "famili_lain", _("Famili lain")
    HOUSEHOLD_HELP = "pembantu", _("Pembantu")
    OTHER = "lainnya", _("Lainnya")


class Citizenship(models.TextChoices):
    WNI = "WNI", _("WNI")
    WNA = "WNA", _("WNA")


class LifeStatus(models.TextChoices):
    ALIVE = "alive", _("Hidup")
    DECEASED = "deceased", _("Meninggal")
    MOVED_AWAY = "moved_away", _("Pindah keluar")


class FamilyStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    DISSOLVED = "dissolved", _("Tidak aktif")

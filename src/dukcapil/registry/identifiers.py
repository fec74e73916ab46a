"""NIK, KK number, person names and related checks, with messages in Indonesian and English.

NIK (UU 24/2013, Permendagri 73/2022): 16 digits = kecamatan code where it was issued (6) + birth
date DDMMYY with 40 added to the day for women (6) + serial (4). No check digit.
KK number: 16 digits = kecamatan code (6) + registration date DDMMYY (6) + serial (4).

Regions were split and renumbered over the years and a NIK keeps its first code, so the prefix of an
existing identifier that is not in the current list is *flagged* (``prefix_known`` is False), not
refused. A number that this system assigns always uses a current code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dukcapil.regions.selectors import is_known_kecamatan_prefix

MALE, FEMALE = "L", "P"
# ASCII only: ``\d`` would also take Arabic-Indic or full-width digits, and such a "NIK" would get a
# blind index of its own and slip past the uniqueness check.
_DIGITS16 = re.compile(r"[0-9]{16}")
# Permendagri 73/2022: Latin letters, spaces and the apostrophe; at least 2 words; at most 60 chars.
# Every word holds a letter: a lone apostrophe is not a word.
_WORD = r"[A-Za-z']*[A-Za-z][A-Za-z']*"
_NAME = re.compile(rf"{_WORD}( {_WORD})*")
_ACADEMIC_TITLES = {
    "dr", "drs", "dra", "ir", "prof", "sh", "se", "st", "skom", "spd", "ssos", "mm", "mba", "msi",
    "mt", "mpd", "mkes", "skm", "amd", "sked", "sag", "hj", "phd",
}  # fmt: skip


@dataclass(frozen=True)
class ParsedNik:
    nik: str
    kecamatan_prefix: str
    birth_date: dt.date
    sex: str
    serial: int
    prefix_known: bool


@dataclass(frozen=True)
class ParsedKK:
    kk_number: str
    kecamatan_prefix: str
    registered_on: dt.date | None
    serial: int
    prefix_known: bool


def _today() -> dt.date:
    return timezone.localdate()


def _years_before(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _resolve_century(day: int, month: int, yy: int, *, today: dt.date) -> dt.date | None:
    """The most recent real date with these two-digit-year parts, not after today."""
    for century in (2000, 1900):
        try:
            candidate = dt.date(century + yy, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def _normalise(value: str) -> str:
    return "".join(str(value).split())


def parse_nik(
    value: str,
    *,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    today: dt.date | None = None,
) -> ParsedNik:
    """Check a NIK and return its parts; raise ``ValidationError`` saying what is wrong.

    With ``sex`` and ``birth_date`` the NIK must agree with them (the day carries +40 for women).
    """
    today = today or _today()
    nik = _normalise(value)
    if not _DIGITS16.fullmatch(nik):
        raise ValidationError(
            _("NIK harus terdiri dari 16 angka (tertulis %(count)s karakter)."),
            code="nik_format",
            params={"count": len(nik)},
        )
    prefix = nik[:6]
    if prefix[:2] == "00" or prefix[2:4] == "00" or prefix[4:6] == "00":
        raise ValidationError(
            _("Enam angka pertama NIK (%(prefix)s) bukan kode kecamatan."),
            code="nik_region",
            params={"prefix": prefix},
        )
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = FEMALE if day > 40 else MALE
    real_day = day - 40 if day > 40 else day
    parsed_date = _resolve_century(real_day, month, yy, today=today)
    if parsed_date is None:
        raise ValidationError(
            _("Tanggal lahir di dalam NIK (%(part)s) bukan tanggal yang ada."),
            code="nik_date",
            params={"part": nik[6:12]},
        )
    serial = int(nik[12:])
    if serial == 0:
        raise ValidationError(_("Nomor urut NIK tidak boleh 0000."), code="nik_serial")
    if sex is not None and sex != nik_sex:
        raise ValidationError(
            _(
                "NIK tidak cocok dengan jenis kelamin: untuk perempuan tanggal lahir di NIK "
                "ditambah 40."
            ),
            code="nik_sex",
        )
    if birth_date is not None and (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ) != (real_day, month, yy):
        raise ValidationError(
            _("NIK tidak cocok dengan tanggal lahir %(date)s."),
            code="nik_birth_date",
            params={"date": birth_date.strftime("%d-%m-%Y")},
        )
    if birth_date is not None:
        parsed_date = birth_date
    return ParsedNik(
        nik=nik,
        kecamatan_prefix=prefix,
        birth_date=parsed_date,
        sex=nik_sex,
        serial=serial,
        prefix_known=is_known_kecamatan_prefix(prefix),
    )


def parse_kk_number(value: str, *, today: dt.date | None = None) -> ParsedKK:
    """Check a KK number and return its parts; raise ``ValidationError`` saying what is wrong."""
    today = today or _today()
    kk = _normalise(value)
    if not _DIGITS16.fullmatch(kk):
        raise ValidationError(
            _("Nomor KK harus terdiri dari 16 angka (tertulis %(count)s karakter)."),
            code="kk_format",
            params={"count": len(kk)},
        )
    prefix = kk[:6]
    if prefix[:2] == "00" or prefix[2:4] == "00" or prefix[4:6] == "00":
        raise ValidationError(
            _("Enam angka pertama nomor KK (%(prefix)s) bukan kode kecamatan."),
            code="kk_region",
            params={"prefix": prefix},
        )
    day, month, yy = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    registered = _resolve_century(day, month, yy, today=today)
    if registered is None:
        raise ValidationError(
            _("Tanggal pendaftaran di dalam nomor KK (%(part)s) bukan tanggal yang ada."),
            code="kk_date",
            params={"part": kk[6:12]},
        )
    serial = int(kk[12:])
    if serial == 0:
        raise ValidationError(_("Nomor urut KK tidak boleh 0000."), code="kk_serial")
    return ParsedKK(
        kk_number=kk,
        kecamatan_prefix=prefix,
        registered_on=registered,
        serial=serial,
        prefix_known=is_known_kecamatan_prefix(prefix),
    )


def nik_date_part(birth_date: dt.date, sex: str) -> str:
    """The DDMMYY part of a NIK (+40 on the day for women)."""
    day = birth_date.day + (40 if sex == FEMALE else 0)
    return f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"


def kk_date_part(registered_on: dt.date) -> str:
    return registered_on.strftime("%d%m%y")


def mask_nik(nik: str) -> str:
    """``3673015008900001`` → ``3673********0001`` for screens of roles that need no full number."""
    if len(nik) != 16:
        return "*" * len(nik)
    return nik[:4] + "*" * 8 + nik[12:]


def validate_person_name(value: str, *, certificate: bool = False) -> str:
    """Check a name by Permendagri 73/2022 and return it with spaces tidied.

    At least 2 words, at most 60 characters including spaces, Latin letters and the apostrophe only;
    on civil-registration certificates (``certificate=True``) no academic or religious titles.
    """
    name = " ".join(str(value).split())
    if not name:
        raise ValidationError(_("Nama wajib diisi."), code="name_required")
    if len(name) > 60:
        raise ValidationError(
            _("Nama paling banyak 60 karakter termasuk spasi (tertulis %(count)s)."),
            code="name_too_long",
            params={"count": len(name)},
        )
    if not _NAME.fullmatch(name):
        raise ValidationError(
            _("Nama hanya boleh berisi huruf latin, spasi dan tanda petik (')."),
            code="name_characters",
        )
    if len(name.split(" ")) < 2:
        raise ValidationError(_("Nama paling sedikit terdiri dari 2 kata."), code="name_words")
    if certificate:
        titles = [w for w in name.split(" ") if w.lower().replace("'", "") in _ACADEMIC_TITLES]
        if titles:
            raise ValidationError(
                _("Gelar (%(titles)s) tidak dicantumkan pada akta pencatatan sipil."),
                code="name_title",
                params={"titles": ", ".join(titles)},
            )
    return name


def validate_birth_date(value: dt.date, *, today: dt.date | None = None) -> dt.date:
    today = today or _today()
    if value > today:
        raise ValidationError(
            _("Tanggal lahir tidak boleh di masa depan."), code="birth_date_future"
        )
    if value < _years_before(today, 130):
        raise ValidationError(
            _("Tanggal lahir lebih dari 130 tahun yang lalu."), code="birth_date_too_old"
        )
    return value


_RT_RW = re.compile(r"[0-9]{1,3}")
_POSTAL = re.compile(r"[1-9][0-9]{4}")


def validate_rt_rw(value: str, *, label: str) -> str:
    value = str(value).strip()
    if not _RT_RW.fullmatch(value) or int(value) == 0:
        raise ValidationError(
            _("%(label)s harus berupa angka 1 sampai 999."), code="rt_rw", params={"label": label}
        )
    return f"{int(value):03d}"


def validate_postal_code(value: str) -> str:
    value = str(value).strip()
    if not _POSTAL.fullmatch(value):
        raise ValidationError(_("Kode pos harus 5 angka."), code="postal_code")
    return value

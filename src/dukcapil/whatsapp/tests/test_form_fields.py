"""Form fields asked in the chat: every service of the catalogue completed from WhatsApp alone.

Driven like a citizen's phone: signed webhooks in, what the fake Graph server received out.
"""

import datetime as dt

import pytest
from django.utils import timezone

from dukcapil.applications import services
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, Status
from dukcapil.applications.testing import form_data_for, make_household
from dukcapil.catalog.models import RequirementKind
from dukcapil.catalog.selectors import current_version
from dukcapil.portal.fields import parts_from_value
from dukcapil.whatsapp import formfields
from dukcapil.whatsapp.models import Conversation
from dukcapil.whatsapp.tests.test_conversation import Phone, identify, list_rows, texts

pytestmark = pytest.mark.django_db

SERVICES = [
    "KK_BARU", "KK_UBAH", "KK_HILANG", "KTP_BARU", "KTP_HILANG", "KTP_UBAH", "KIA", "AKTA_LAHIR",
    "AKTA_MATI", "PINDAH_KELUAR", "PINDAH_DATANG", "AKTA_KAWIN", "AKTA_CERAI",
]  # fmt: skip


@pytest.fixture
def phone(client, fake_graph):
    return Phone(client, fake_graph)


def dmy(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d-%m-%Y")


def conversation() -> Conversation:
    return Conversation.objects.get()


def waiting_for() -> tuple[str, str]:
    data = conversation().data
    return data.get("field", ""), data.get("part", "")


def start(phone, service_code, household):
    phone.tap(f"svc:{service_code}", kind="list_reply")
    replies = identify(phone, household["head"])
    assert "Identitas Anda cocok" in texts(replies) or "identity matches" in texts(replies)
    return replies + phone.tap("go:continue")


def answer_fields(phone, service_code, values):
    """Answer every question the chat asks with ``values`` (the form data the portal would post),
    the way a citizen would: choices tapped, dates typed DD-MM-YYYY, optional ones skipped."""
    version = current_version(service_code)
    replies = []
    for _ in range(80):
        code, part_name = waiting_for()
        if not code:
            return replies
        requirement = version.requirement(code)
        flat = parts_from_value(requirement.get("field_type", "text"), values[code])
        app = Application.objects.get()
        answers = conversation().data["answers"]
        part = next(p for p in formfields.relevant_parts(requirement, answers)
                    if p.name == part_name)  # fmt: skip
        answer = str(flat.get(part_name, "") or "")
        choices = formfields.choices_of(requirement, part, conversation().data["answers"])
        if part.widget == "date":
            replies = phone.say(
                dmy(answer) if answer else timezone.localdate().strftime("%d-%m-%Y")
            )
        elif choices:
            value = answer or choices[0][0]
            kind = "button_reply" if len(choices) <= 3 else "list_reply"
            replies = phone.tap(f"fv:{value}", kind=kind)
        elif not answer:
            assert part.optional, (code, part_name)
            replies = phone.tap("go:skip")
        else:
            replies = phone.say(answer)
        assert app.status == Status.DRAFT
    raise AssertionError("the questions never ended")


def finish(phone, service_code):
    """Uploads (optional ones skipped), the declaration, delivery, confirm: the tracking number."""
    version = current_version(service_code)
    for _ in range(20):
        conv = conversation()
        if conv.state != "upload":
            break
        requirement = version.requirement(conv.data["upload"])
        if requirement.get("optional"):
            phone.tap("go:skip")
        else:
            phone.photo()
    assert conversation().data.get("step") == "declaration"
    assert "menerima dokumennya" in texts(phone.tap("go:agree"))
    check = texts(phone.tap("delivery:pickup"))
    assert "Periksa sebelum diajukan" in check
    done = texts(phone.tap("go:submit"))
    app = Application.objects.get()
    assert app.status == Status.SUBMITTED, done
    assert app.tracking_display in done and "Nomor registrasi" in done
    return app


@pytest.mark.parametrize("service_code", SERVICES)
def test_every_service_can_be_completed_from_whatsapp_alone(phone, service_code):
    household = make_household()
    values = form_data_for(service_code, household)
    version = current_version(service_code)
    assert {r["code"] for r in version.requirements_of_kind(RequirementKind.FIELD)} == set(values)
    start(phone, service_code, household)
    answer_fields(phone, service_code, values)
    app = finish(phone, service_code)
    assert set(app.form_data) >= set(values)


def test_a_birth_certificate_from_whatsapp_alone(phone):
    household = make_household()
    head, wife = household["head"], household["wife"]
    replies = texts(start(phone, "AKTA_LAHIR", household))
    assert "satu per satu" in replies
    assert "Nama lengkap anak" in replies and "(1/6)" in replies
    assert "Jenis kelamin" in texts(phone.say("Putri Ayu Lestari"))
    # A wrong choice: said what is wrong, asked again (as buttons: two choices).
    again = phone.say("Wanita")
    assert 'pilihan "Wanita" tidak dikenal' in texts(again)
    assert again[-1]["interactive"]["type"] == "button"
    assert [b["reply"]["id"] for b in again[-1]["interactive"]["action"]["buttons"]] == [
        "fv:L", "fv:P"]  # fmt: skip
    assert waiting_for() == ("anak", "sex")
    assert "Tempat lahir" in texts(phone.tap("fv:P"))
    assert "Tanggal lahir" in texts(phone.say("Serang"))
    # Wrong dates: not a date, then a date in the future; each asked again.
    wrong = texts(phone.say("31-02-2026"))
    assert "tidak dapat dibaca" in wrong and "17-08-2024" in wrong and "Mohon jawab lagi" in wrong
    assert waiting_for() == ("anak", "birth_date")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert "tidak boleh di masa depan" in texts(phone.say(tomorrow.strftime("%d-%m-%Y")))
    born = timezone.localdate() - dt.timedelta(days=10)
    assert "Nama ayah" in texts(phone.say(born.strftime("%d-%m-%Y")))
    assert "Nama ibu" in texts(phone.say(head.name))
    stored = texts(phone.say(wife.name))
    assert "Tersimpan" in stored
    app = Application.objects.get()
    assert app.form_data["anak"] == {
        "name": "Putri Ayu Lestari", "sex": "P", "birth_place": "Serang",
        "birth_date": born.isoformat(), "father_name": head.name, "mother_name": wife.name,
    }  # fmt: skip
    assert conversation().state == "upload"  # then the papers
    for _ in range(5):
        if conversation().state != "upload":
            break
        phone.photo()
    phone.tap("go:agree")
    check = texts(phone.tap("delivery:pickup"))
    assert "Nama lengkap anak: Putri Ayu Lestari" in check and "Jenis kelamin: Perempuan" in check
    assert f"Tanggal lahir: {born.strftime('%d-%m-%Y')}" in check
    assert "Periksa sebelum diajukan" in check
    done = texts(phone.tap("go:submit"))
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.tracking_display in done


def test_a_move_out_within_the_province_from_whatsapp_alone(phone):
    household = make_household()
    child = household["child"]
    assert "NIK yang pindah" in texts(start(phone, "PINDAH_KELUAR", household))
    bad = texts(phone.say("3173000000000000"))
    assert "Mohon jawab lagi" in bad
    assert "Tanggal pindah" in texts(phone.say(child.nik))
    moving = timezone.localdate() + dt.timedelta(days=7)  # a move may be announced ahead
    desa = phone.say(moving.strftime("%d-%m-%Y"))
    assert "Kode desa tujuan" in texts(desa) and "lewati" in texts(desa)
    assert "RT tujuan" in texts(phone.say("36.03.01.2003"))
    assert "RW tujuan" in texts(phone.say("3"))
    assert "Kode pos tujuan" in texts(phone.say("4"))
    assert "Alamat tujuan" in texts(phone.say("15710"))
    assert "Tersimpan" in texts(phone.say("Jalan Raya Curug 12"))
    app = Application.objects.get()
    assert app.form_data["kepindahan"] == {
        "niks": [child.nik], "moved_on": moving.isoformat(),
        "destination": {"desa": "36.03.01.2003", "rt": "003", "rw": "004",
                        "address": "Jalan Raya Curug 12", "postal_code": "15710"},
    }  # fmt: skip
    finish(phone, "PINDAH_KELUAR")


def test_a_move_out_of_the_province_skips_the_desa_and_asks_the_kecamatan(phone):
    household = make_household()
    start(phone, "PINDAH_KELUAR", household)
    phone.say(household["child"].nik)
    phone.say(timezone.localdate().strftime("%d-%m-%Y"))
    kecamatan = texts(phone.tap("go:skip"))
    assert "Kode kecamatan tujuan" in kecamatan and "lewati" not in kecamatan
    assert "tidak dikenal" in texts(phone.say("99.99.99"))
    assert "Alamat tujuan" in texts(phone.say("31.74.01"))
    phone.say("Jalan Kebon Jeruk 3, Jakarta")
    app = Application.objects.get()
    assert app.form_data["kepindahan"]["destination_kecamatan"] == "317401"
    finish(phone, "PINDAH_KELUAR")


def test_a_long_choice_is_a_paged_list_and_a_wrong_one_is_asked_again(phone):
    household = make_household()
    start(phone, "KK_UBAH", household)
    phone.say(household["head"].nik)
    fields = phone.say("x")[-1]
    assert "pilihan" in texts([fields]) and "tidak dikenal" in texts([fields])
    assert fields["interactive"]["type"] == "list"
    blood = phone.tap("fv:blood_type", kind="list_reply")[-1]
    rows = list_rows(blood)
    assert len(rows) == 10 and rows[-1] == "fp:1"  # 13 blood types: paged
    second = list_rows(phone.tap("fp:1", kind="list_reply")[-1])
    assert second[0] == "fp:0" and "fv:-" in second and len(second) <= 10
    assert "Tersimpan" in texts(phone.tap("fv:O+", kind="list_reply"))
    app = Application.objects.get()
    assert app.form_data["perubahan"] == {"nik": household["head"].nik,
                                          "changes": {"blood_type": "O+"}}  # fmt: skip


def test_a_field_filled_on_the_web_is_not_asked_and_the_desa_is_chosen_from_lists(phone):
    household = make_household()
    head = household["head"]
    phone.tap("svc:KK_BARU", kind="list_reply")
    identify(phone, head)
    app = Application.objects.get()
    services.fill_application(
        application=app,
        actor=Actor.citizen(head.pk),
        form_data={"anggota": [household["child"].nik]},
    )
    kecamatan = phone.tap("go:continue")[-1]
    assert "Desa/kelurahan" in texts([kecamatan]) and "(1/5)" in texts([kecamatan])
    first = list_rows(kecamatan)[0]
    assert first.startswith("fk:36.73.")
    desa = phone.tap(first, kind="list_reply")[-1]
    chosen = list_rows(desa)[0]
    assert chosen.startswith("fv:" + first[3:])
    assert "RT" in texts(phone.tap(chosen, kind="list_reply"))
    assert "Mohon jawab lagi" in texts(phone.say("abc"))
    phone.say("3")
    phone.say("4")
    phone.say("Jalan Baru 5")
    assert "Tersimpan" in texts(phone.say("42112"))
    app.refresh_from_db()
    assert app.form_data["alamat"]["desa"] == chosen[3:]
    assert app.form_data["anggota"] == [household["child"].nik]
    finish(phone, "KK_BARU")


def test_questions_are_asked_in_english_after_the_switch(phone):
    household = make_household()
    phone.say("English")
    replies = texts(start(phone, "AKTA_LAHIR", household))
    assert "one question at a time" in replies and "(1/6)" in replies
    phone.say("Putri Ayu Lestari")
    phone.tap("fv:P")
    phone.say("Serang")
    assert "cannot be read" in texts(phone.say("kemarin"))


def test_a_whole_field_refused_by_the_cleaner_is_asked_again_from_its_start(phone):
    household = make_household()
    head, wife = household["head"], household["wife"]
    start(phone, "AKTA_KAWIN", household)
    assert "NIK istri" in texts(phone.say(wife.nik))  # each NIK is a living resident's...
    refused = texts(phone.say(head.nik))  # ...but the husband's must be a man's
    assert "Tanggal perkawinan" in refused
    refused = texts(phone.say("01-01-2010"))
    assert "NIK suami harus NIK laki-laki" in refused and "dari awal" in refused
    assert waiting_for() == ("perkawinan", "husband_nik")
    assert "perkawinan" not in Application.objects.get().form_data
    phone.say(head.nik)
    phone.say(wife.nik)
    assert "Tersimpan" in texts(phone.say("01-01-2010"))
    assert Application.objects.get().form_data["perkawinan"]["married_on"] == "2010-01-01"


def test_an_optional_question_is_skipped_by_typing_lewati_and_long_labels_are_described(phone):
    household = make_household()
    start(phone, "AKTA_MATI", household)
    phone.say(household["head"].nik)
    assert "lewati" in texts(phone.say(timezone.localdate().strftime("%d-%m-%Y")))
    assert "Tersimpan" in texts(phone.say("lewati"))
    assert Application.objects.get().form_data["kematian"]["place"] == ""
    assert formfields.match_choice("Kepercayaan terhadap Tuhan YME", [("kepercayaan",
            "Kepercayaan terhadap Tuhan YME")]) == "kepercayaan"  # fmt: skip


def test_a_long_choice_label_keeps_its_whole_text_in_the_row_description(phone):
    household = make_household()
    start(phone, "KK_UBAH", household)
    phone.say(household["head"].nik)
    religion = phone.tap("fv:religion", kind="list_reply")[-1]
    rows = religion["interactive"]["action"]["sections"][0]["rows"]
    last = rows[-1]
    assert last["id"] == "fv:kepercayaan" and len(last["title"]) <= 24
    assert last["description"] == "Kepercayaan terhadap Tuhan YME"
    assert "Tersimpan" in texts(phone.say("Kristen"))  # typed as its label
    changes = Application.objects.get().form_data["perubahan"]["changes"]
    assert changes == {"religion": "kristen"}


def test_a_flagged_field_is_answered_again_in_the_chat_and_the_case_goes_back(phone):
    from dukcapil.applications import workflow
    from dukcapil.applications.testing import make_application, verifier_of

    household = make_household()
    verifier = verifier_of()
    app = make_application("AKTA_LAHIR", household=household)
    app = workflow.claim(application=app, actor=verifier)
    services.record_verdict(application=app, actor=verifier, requirement_code="anak",
                            verdict="needs_revision", reason="data_mismatch")  # fmt: skip
    workflow.request_revision(
        application=app,
        actor=verifier,
        reasons=[{"requirement": "anak", "reason": "data_mismatch"}],
    )
    phone.say("status")
    identify(phone, household["head"])
    asked = texts(phone.tap(f"rev:{app.tracking_number}"))
    assert "perbaikan isian data" in asked and "Nama lengkap anak" in asked
    assert conversation().state == "revision"
    phone.say("Putri Ayu Lestary")
    phone.tap("fv:P")
    phone.say("Serang")
    assert "tidak dapat dibaca" in texts(phone.say("kemarin"))
    phone.say((timezone.localdate() - dt.timedelta(days=9)).strftime("%d-%m-%Y"))
    phone.say(household["head"].name)
    done = texts(phone.say(household["wife"].name))
    assert "sudah kami terima" in done
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert app.form_data["anak"]["name"] == "Putri Ayu Lestary"
    assert "anak" in app.form_data["_revised"]


def test_niks_given_as_answers_are_kept_masked_in_the_message_log(phone):
    from dukcapil.whatsapp.models import InboundMessage

    household = make_household()
    child = household["child"]
    start(phone, "PINDAH_KELUAR", household)
    phone.say(child.nik)
    logged = InboundMessage.objects.order_by("-pk").values_list("text", flat=True)[0]
    assert child.nik not in logged and logged.endswith(child.nik[-2:]) and "•" in logged
    assert Application.objects.get().form_data == {}  # stored once the whole field is answered
    phone.say("Serang")  # not a NIK question: kept as typed
    assert InboundMessage.objects.order_by("-pk").values_list("text", flat=True)[0] == "Serang"

"""`deskbot staff import` / `deskbot customers import` through the CLI: UTF-8 with a BOM and
GB18030 files, a blank roles cell as a row error, unchanged rows counted as unchanged, and an
exit code that says whether any row failed (the good rows are kept either way)."""
from __future__ import annotations

from storage.models import Customer, Staff
from tests.deskbot_cli import deskbot

STAFF = ("userid,姓名,手机,角色,组\n"
         "wangfang,王芳,13900000001,工程师,热线组\n"
         "liuyang,刘洋,13900000002,,热线组\n"
         "chenjing,陈静,13900000003,服务经理;工程师,\n")


def _config(tmp_path, db_url) -> str:
    (tmp_path / "d.toml").write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    return "d.toml"


async def test_staff_import_encodings_blank_roles_unchanged_rows_and_exit_codes(db, tmp_path):
    cfg = _config(tmp_path, db)
    (tmp_path / "bom.csv").write_bytes(STAFF.encode("utf-8-sig"))
    first = deskbot(tmp_path, "-c", cfg, "staff", "import", "bom.csv")
    assert first.returncode == 1, first.stderr
    assert "新增 2 条，更新 0 条，未变 0 条，错误 1 条" in first.stdout
    assert "第 3 行：没有填写角色" in first.stdout
    assert sorted(await Staff.all().values_list("userid", flat=True)) == ["chenjing", "wangfang"]

    # Saved again by Excel on Chinese Windows: GBK, no BOM; the blank cell filled, one name fixed.
    fixed = STAFF.replace(",,热线组", ",工程师,热线组").replace("陈静", "陈晶")
    (tmp_path / "gbk.csv").write_bytes(fixed.encode("gb18030"))
    second = deskbot(tmp_path, "-c", cfg, "staff", "import", "gbk.csv")
    assert second.returncode == 0, second.stderr
    assert "新增 1 条，更新 1 条，未变 1 条，错误 0 条" in second.stdout
    assert (await Staff.get(userid="chenjing")).name == "陈晶"
    assert (await Staff.get(userid="liuyang")).roles == "engineer"

    (tmp_path / "junk.csv").write_bytes(b"userid,name\n\xff\xfe\x80\xff,x\n")
    junk = deskbot(tmp_path, "-c", cfg, "staff", "import", "junk.csv")
    assert junk.returncode == 2 and junk.stderr.strip().splitlines() == [
        "无法识别文件编码：请把文件另存为 UTF-8 或 GBK 编码的 CSV"]
    assert await Staff.all().count() == 3


async def test_customer_reimport_counts_unchanged_rows(db, tmp_path):
    from bot.services.directory import imports

    text = ("单位,联系人,电话,级别,服务开始,服务结束\n"
            "华南电子,周会计,020-1234567,大客户,2026-01-01,2026-12-31\n"
            "西北商贸,,,普通,,\n")
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    first = await imports.import_customers(tmp_path / "c.csv")
    assert (first.created, first.updated, first.unchanged, first.errors) == (2, 0, 0, [])
    (tmp_path / "c.csv").write_text(text.replace("普通", "紧急服务"), encoding="gb18030")
    again = await imports.import_customers(tmp_path / "c.csv")
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 1, 1, [])
    assert (await Customer.get(name="西北商贸")).tier == "紧急服务"

"""The command line: shiftguard check / demo, python -m shiftguard, exit codes, --json,
and errors that name the file, line and column."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from shiftguard import cli


def write_csv(path, frame):
    frame.to_csv(path, index=False)
    return str(path)


@pytest.fixture
def samples(tmp_path):
    rng = np.random.default_rng(17)
    ref = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    same = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    shifted = same.assign(b=same["b"] + 1.0)
    return (
        write_csv(tmp_path / "ref.csv", ref),
        write_csv(tmp_path / "same.csv", same),
        write_csv(tmp_path / "shifted.csv", shifted),
    )


def test_no_drift_exits_0(samples, capsys):
    ref, same, _ = samples
    assert cli.main(["check", ref, same]) == 0
    out = capsys.readouterr().out
    assert "verdict: no drift in 2 features" in out
    assert "statistic" in out and "p-value" in out and "drifted" in out


def test_drift_exits_1_and_names_the_feature(samples, capsys):
    ref, _, shifted = samples
    assert cli.main(["check", ref, shifted]) == 1
    out = capsys.readouterr().out
    line_b = next(line for line in out.splitlines() if line.startswith("b "))
    assert line_b.rstrip().endswith("yes")
    assert "verdict: DRIFT in 1 of 2 features" in out


def test_json_output(samples, capsys):
    ref, _, shifted = samples
    assert cli.main(["check", ref, shifted, "--json", "--correction", "fdr"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["is_drift"] is True
    assert report["correction"] == "fdr"
    for method in ("holm", "sidak", "by"):
        assert cli.main(["check", ref, shifted, "--json", "--correction", method]) == 1
        report = json.loads(capsys.readouterr().out)
        assert report["correction"] == method
    assert [f["name"] for f in report["features"]] == ["a", "b"]
    assert report["features"][1]["drifted"] is True
    assert report["reference"]["rows"] == 400


def test_demo_runs_on_bundled_data(capsys):
    assert cli.main(["demo"]) == 1
    out = capsys.readouterr().out
    assert "income" in out and "sessions_per_week" in out
    assert "DRIFT in 2 of 5 features" in out


def test_console_script_and_module_entry_point(samples):
    ref, same, shifted = samples
    script = shutil.which("shiftguard")
    assert script is not None, "the 'shiftguard' console script is not installed"
    done = subprocess.run([script, "check", ref, same], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "shiftguard", "check", ref, shifted, "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["is_drift"] is True


def run_bad(args, capsys):
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 2
    return err


def test_missing_file(samples, tmp_path, capsys):
    ref, _, _ = samples
    err = run_bad(["check", ref, str(tmp_path / "nope.csv")], capsys)
    assert "nope.csv: no such file" in err


def test_directory_instead_of_file(samples, tmp_path, capsys):
    ref, _, _ = samples
    assert "not a file" in run_bad(["check", ref, str(tmp_path)], capsys)


def test_malformed_csv_names_the_line(samples, tmp_path, capsys):
    ref, _, _ = samples
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3,4\n5,6,7\n8,9\n")
    err = run_bad(["check", ref, str(bad)], capsys)
    assert "bad.csv: malformed CSV" in err and "line 4" in err


def test_non_numeric_cell_names_line_and_column(samples, tmp_path, capsys):
    ref, _, _ = samples
    bad = tmp_path / "text.csv"
    bad.write_text("a,b\n1,2\n3,4\n5,oops\n8,9\n")
    err = run_bad(["check", ref, str(bad)], capsys)
    assert "text.csv: line 4, column 'b' (column 2): 'oops' is not a number" in err


def test_missing_value_names_line_and_column(samples, tmp_path, capsys):
    ref, _, _ = samples
    bad = tmp_path / "gap.csv"
    bad.write_text("a,b\n1,2\n,4\n5,6\n8,9\n")
    err = run_bad(["check", ref, str(bad)], capsys)
    assert "gap.csv: line 3, column 'a' (column 1): missing value" in err
    assert cli.main(["check", ref, str(bad), "--nan-policy", "omit"]) in (0, 1)


def test_empty_file_and_missing_columns(samples, tmp_path, capsys):
    ref, _, _ = samples
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "the file is empty" in run_bad(["check", ref, str(empty)], capsys)
    other = tmp_path / "other.csv"
    other.write_text("a,c\n1,2\n3,4\n")
    assert "missing column(s) 'b'" in run_bad(["check", ref, str(other)], capsys)
    assert "no column named 'zzz'" in run_bad(["check", ref, ref, "--columns", "zzz"], capsys)


def test_too_few_rows_and_binary_garbage(samples, tmp_path, capsys):
    ref, _, _ = samples
    short = tmp_path / "short.csv"
    short.write_text("a,b\n1,2\n")
    assert "needs at least 2 data rows" in run_bad(["check", ref, str(short)], capsys)
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"a,b\n\xff\xfe\x00\x81,2\n3,4\n")
    assert "garbage.csv" in run_bad(["check", ref, str(garbage)], capsys)


def test_bad_option_values(samples, capsys):
    ref, same, _ = samples
    assert "p_val must be in (0, 1)" in run_bad(["check", ref, same, "--p-val", "2"], capsys)
    assert "n_threads" in run_bad(["check", ref, same, "--threads", "0"], capsys)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["check", ref, same, "--correction", "hommel"])
    assert exit_info.value.code == 2


def test_json_error_output(samples, tmp_path, capsys):
    ref, _, _ = samples
    code = cli.main(["check", ref, str(tmp_path / "missing.csv"), "--json"])
    assert code == 2
    assert "missing.csv" in json.loads(capsys.readouterr().out)["error"]


def test_columns_option_selects_numeric_columns(tmp_path, capsys):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x": rng.normal(size=50), "city": ["Paris"] * 50})
    path = write_csv(tmp_path / "mixed.csv", frame)
    err = run_bad(["check", path, path], capsys)
    assert "column 'city' (column 2): 'Paris' is not a number" in err
    assert cli.main(["check", path, path, "--columns", "x"]) == 0

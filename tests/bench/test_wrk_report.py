"""Reading wrk's report: the harness's figures come from these numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.federation.wrk import apt_install_commands, parse_report, write_post_script

CLEAN = """Running 1s test @ http://127.0.0.1:4299/accounts
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.16ms    2.05ms  17.90ms   86.86%
    Req/Sec    15.53k    16.47k   57.33k    90.00%
  Latency Distribution
     50%   41.00us
     75%    1.62ms
     90%    3.84ms
     99%    8.89ms
  15552 requests in 1.02s, 1.79MB read
Requests/sec:  15246.55
Transfer/sec:      1.76MB
"""

WITH_ERRORS = """Running 20s test @ http://127.0.0.1:4000/graphql
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   457.49ms  300.00ms   1.95s    70.00%
    Req/Sec    60.00     20.00    100.00     70.00%
  Latency Distribution
     50%  457.49ms
     75%  600.00ms
     90%    1.20s
     99%    1.69s
  2100 requests in 20.04s, 180.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    104.79
Transfer/sec:      8.98MB
"""


def test_clean_report_gives_rps_and_percentiles_in_milliseconds() -> None:
    result = parse_report(CLEAN)
    assert result.requests == 15552
    assert result.seconds == pytest.approx(1.02)
    assert result.rps == pytest.approx(15246.55)
    assert result.p50_ms == pytest.approx(0.041)
    assert result.p99_ms == pytest.approx(8.89)
    assert (result.non_2xx, result.socket_errors, result.timeouts) == (0, 0, 0)


def test_errors_timeouts_and_second_units_are_read() -> None:
    result = parse_report(WITH_ERRORS)
    assert result.p50_ms == pytest.approx(457.49)
    assert result.p99_ms == pytest.approx(1690.0)
    assert result.non_2xx == 7
    assert result.socket_errors == 2
    assert result.timeouts == 3


def test_a_report_without_figures_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="cannot read"):
        parse_report("unable to connect to 127.0.0.1:4000 Connection refused")


def test_post_script_embeds_a_body_that_contains_lua_closing_brackets(tmp_path: Path) -> None:
    body = b'{"query":"{ a }","variables":{"x":"]]","y":"]=]"}}'
    script = write_post_script(tmp_path, body).read_text()
    assert 'wrk.method = "POST"' in script
    assert "wrk.body = [==[" + body.decode() + "]==]" in script


def test_wrk_is_installed_with_apt_get_directly_as_root_and_through_sudo_otherwise() -> None:
    as_root = apt_install_commands(0)
    assert [command[0] for command in as_root] == ["apt-get", "apt-get"]
    assert as_root[-1][-1] == "wrk"
    as_user = apt_install_commands(1000)
    assert all(command[:2] == ["sudo", "-n"] for command in as_user)
    assert [command[2:] for command in as_user] == as_root

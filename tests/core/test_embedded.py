"""The embedded server's list of processes using it (config.env.reset_handle_list)."""

from config.env import reset_handle_list


def test_an_empty_handle_list_left_by_two_processes_stopping_at_once_is_reset(tmp_path):
    handles = tmp_path / ".handle_pids.json"
    handles.write_text("")  # what a write cut short leaves: no process could start
    reset_handle_list(tmp_path, only_if_damaged=True)
    assert handles.read_text() == "[]"


def test_a_valid_list_is_kept_unless_the_server_was_stopped(tmp_path):
    handles = tmp_path / ".handle_pids.json"
    handles.write_text("[123, 456]")
    reset_handle_list(tmp_path, only_if_damaged=True)
    assert handles.read_text() == "[123, 456]"
    reset_handle_list(tmp_path)
    assert handles.read_text() == "[]"
    reset_handle_list(tmp_path / "missing")  # no server there: nothing to do

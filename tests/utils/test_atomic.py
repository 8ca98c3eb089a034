import pytest

from keras_gan.utils import atomic


def test_atomic_path_moves_files_and_folders_into_place(tmp_path):
    target = tmp_path / "out.txt"
    with atomic.atomic_path(target) as temporary:
        with open(temporary, "w") as file:
            file.write("new")
    assert target.read_text() == "new"
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "old").write_text("old")
    with atomic.atomic_path(folder) as temporary:
        (tmp_path / temporary).mkdir()
        (tmp_path / temporary / "new").write_text("new")
    assert sorted(p.name for p in folder.iterdir()) == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "out.txt"]


def test_a_failed_write_keeps_the_previous_artifact(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("previous")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as temporary:
            with open(temporary, "w") as file:
                file.write("half")
            raise RuntimeError("crash during export")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]

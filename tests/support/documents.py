"""Documents in handler tests: the recording fake Bot API taught to serve files by id, and a
document message from a user (a /content upload)."""

from datetime import datetime, timezone

from aiogram.types import Document, File, Message, Update


def serve_files(harness, monkeypatch) -> dict[str, bytes]:
    """Teach the recording fake API getFile and file downloads: file_id -> bytes."""
    files: dict[str, bytes] = {}
    original = harness.api.make_request

    async def make_request(bot, method, timeout=None):
        if type(method).__name__ == "GetFile":
            return File(file_id=method.file_id, file_unique_id=method.file_id, file_path=f"documents/{method.file_id}")
        return await original(bot, method, timeout)

    async def stream_content(url, headers=None, timeout=30, chunk_size=65536, raise_for_status=True):
        yield files[url.rsplit("/", 1)[-1]]

    monkeypatch.setattr(harness.api, "make_request", make_request)
    monkeypatch.setattr(harness.api, "stream_content", stream_content)
    return files


async def send_file(harness, files, user, name: str, data: bytes, caption: str | None = None) -> list[str]:
    file_id = f"file{len(files) + 1}"
    files[file_id] = data
    mark = len(harness.api.requests)
    message = Message(
        message_id=harness.next_message_id(),
        date=datetime.now(timezone.utc),
        chat=user.chat,
        from_user=user.tg,
        caption=caption,
        document=Document(file_id=file_id, file_unique_id=file_id, file_name=name, file_size=len(data)),
    )
    await harness.feed(Update(update_id=harness.next_update_id(), message=message))
    return user._texts_since(mark)

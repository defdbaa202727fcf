"""Domain errors carry the Russian sentence the user should read; handlers never invent one."""


class DomainError(Exception):
    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class AccessDenied(DomainError):
    def __init__(self, user_message: str = "Недостаточно прав для этого действия.") -> None:
        super().__init__(user_message)


class NotFound(DomainError):
    def __init__(self, user_message: str = "Не найдено: возможно, запись уже удалена.") -> None:
        super().__init__(user_message)


class InvalidInput(DomainError):
    pass


class NotRegistered(DomainError):
    def __init__(self) -> None:
        super().__init__("Сначала зарегистрируйтесь: отправьте /start.")

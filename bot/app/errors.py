"""Errors that carry a short, polite sentence meant for the person who asked.

Anything raised as a `UserFacingError` may be shown in chat as is; anything else is a bug,
logged with its traceback and answered with a generic line.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """A failure the user caused or can understand; `message` is safe to show in chat."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ArticleError(UserFacingError):
    """The article could not be read (refused, unreachable, not an article, paywalled...)."""


class FetchRefused(ArticleError):
    """Refused before or during fetching for safety or policy (private address, scheme, size)."""


class FetchFailed(ArticleError):
    """The server could not be reached or answered with an error."""


class NotAnArticle(ArticleError):
    """The resource is an image, video, audio, or has no readable text."""


class TeaserOnly(ArticleError):
    """Only a teaser was readable (paywall, login wall)."""

    def __init__(self, message: str = "I could only read a teaser of this article (paywall?).") -> None:
        super().__init__(message)


class LLMError(UserFacingError):
    """The language model could not produce an answer (down, rate limited, bad output)."""


class LLMRateLimited(LLMError):
    def __init__(self, message: str = "The language model is rate limited right now.",
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LLMUnavailable(LLMError):
    def __init__(self, message: str = "The language model is unavailable right now.") -> None:
        super().__init__(message)

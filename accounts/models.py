from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("Staff users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who works at one or more practices. Signs in with email and password."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("Platform operator (not practice staff)."))
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    # Set on request.user by django_otp's OTPMiddleware: whether this session passed a second factor.
    is_verified: Callable[[], bool]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.greeting_name or self.email

    @property
    def greeting_name(self) -> str:
        """How to address the person: "Dr. Cole" for "Dr. Hannah Cole", "Sam" for "Sam Staff", "" without a name.

        A title is kept only with a last name after it ("Dr." alone is no name), and the result never
        ends in a full stop, so "Welcome, {name}." never reads "Welcome, Dr..".
        """
        return greeting_name(self.full_name)


TITLES = {"dr": "Dr.", "doctor": "Dr.", "prof": "Prof.", "mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "mx": "Mx."}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "md", "do", "phd", "np", "pa", "rn"}


def greeting_name(full_name: str) -> str:
    # "Hannah Cole, MD" -> "Hannah Cole": credentials after a comma are not part of the name.
    words = full_name.split(",")[0].split()
    title = TITLES.get(words[0].rstrip(".").lower()) if words else None
    if title:
        words = words[1:]
    while words and words[-1].rstrip(".").lower() in SUFFIXES:
        words = words[:-1]
    if not words:
        return ""
    if title:
        # A title goes with the last name; a name that is one word counts as the last name.
        return f"{title} {words[-1].rstrip('.')}" if words[-1].rstrip(".") else ""
    first = words[0]
    # An initial ("J. Smith") says too little on its own: use the whole name.
    if len(first.rstrip(".")) <= 1:
        return " ".join(words).rstrip(".")
    return first.rstrip(".")

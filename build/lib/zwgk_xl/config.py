"""zwgk.toml: paths and mail settings. The SMTP password never lives here: it comes from an environment variable
or the system keyring, so the file can be copied between colleagues safely."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(Exception):
    """The configuration cannot be used: the run stops with this message."""


@dataclass(frozen=True)
class MailConfig:
    host: str = ""
    port: int = 0
    security: str = "ssl"  # ssl | starttls | none
    sender: str = ""
    user: str = ""
    password_env: str = "ZWGK_SMTP_PASSWORD"
    office: tuple[str, ...] = ()
    pause: float = 1.0
    outbox: str = "邮件发件箱"
    timeout: float = 30.0

    @property
    def smtp(self) -> bool:
        return bool(self.host)

    def password(self) -> str:
        if value := os.environ.get(self.password_env):
            return value
        try:
            import keyring  # optional: Windows Credential Manager, macOS Keychain
        except ImportError:
            return ""
        return keyring.get_password("zwgk_xl", self.user) or ""


@dataclass(frozen=True)
class Config:
    mail: MailConfig = field(default_factory=MailConfig)
    roster: str = ""
    source: str = ""


def load(path: str | Path | None = None) -> Config:
    """Read zwgk.toml (the given path, else ./zwgk.toml); no file means defaults (mail goes to an .eml outbox)."""
    p = Path(path) if path else Path("zwgk.toml")
    if not p.exists():
        if path:
            raise ConfigError(f"找不到配置文件：{p}")
        return Config()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}：配置文件格式有误（{exc}）") from exc
    mail = dict(data.get("mail", {}))
    if "password" in mail:
        raise ConfigError(
            f"{p}：请不要把邮箱密码写在配置文件里；请设置环境变量 {mail.get('password_env', 'ZWGK_SMTP_PASSWORD')}"
        )
    office = mail.get("office", ())
    mail["office"] = tuple([office] if isinstance(office, str) else office)
    security = mail.get("security", "ssl")
    if security not in {"ssl", "starttls", "none"}:
        raise ConfigError(f"{p}：mail.security 应为 ssl、starttls 或 none，而不是“{security}”")
    known = set(MailConfig.__dataclass_fields__)
    unknown = set(mail) - known
    if unknown:
        raise ConfigError(f"{p}：[mail] 中有无法识别的设置：{'、'.join(sorted(unknown))}")
    cfg = MailConfig(**mail)
    if cfg.host and not cfg.port:
        cfg = MailConfig(**{**mail, "port": {"ssl": 465, "starttls": 587, "none": 25}[security]})
    return Config(cfg, str(data.get("paths", {}).get("roster", "")), str(p))

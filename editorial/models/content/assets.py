"""Stored images: lead images, covers and images in article bodies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Asset(models.Model):
    """An image that passed validation, stored under a random name; shared by every use of it."""

    file = models.ImageField(_("文件"), upload_to="images/", width_field="width",
                             height_field="height")
    original_name = models.CharField(_("原文件名"), max_length=255)
    # What the media library offers when the image is inserted again: the alt text for
    # readers who cannot see it, and a default caption.
    alt_text = models.CharField(_("替代文字"), max_length=300, blank=True,
                                help_text=_("给看不到图片的读者（读屏软件）的描述。"))
    caption = models.CharField(_("图注"), max_length=300, blank=True,
                               help_text=_("插入正文时默认使用的图注。"))
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        verbose_name = _("图片")
        verbose_name_plural = _("图片")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

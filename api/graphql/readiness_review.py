"""SRE readiness reviews: a release's review (on `Release.readinessReview`), a service's for its
first launch (on `Service.readinessReview`), their checklist templates, and the mutations that
open, evidence, sign off and reopen them."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql import readiness_review_inputs as ri
from api.graphql.mutations import MutationRunner
from api.graphql.readiness_review_types import ReadinessReview, ReadinessReviewTemplate
from api.graphql.relay import PageArgs, connection_field, from_global_id
from api.graphql.user_errors import READINESS_REVIEW
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.readiness import review_commands as cmd
from domain.readiness import review_launch_service as launch_reviews
from domain.readiness import review_queries as rq
from domain.readiness import review_service as reviews
from domain.readiness import review_templates as templates

run = MutationRunner(READINESS_REVIEW)
review_payload = run.into(ri.ReadinessReviewPayload, readiness_review=ReadinessReview)
template_payload = run.into(
    ri.ReadinessReviewTemplatePayload, readiness_review_template=ReadinessReviewTemplate
)


@strawberry.type
class ReadinessReviewQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """The node types this module serves, for `node(id:)`."""
        return {
            "ReadinessReview": ("readiness_review", ReadinessReview),
            "ReadinessReviewTemplate": ("readiness_review_template", ReadinessReviewTemplate),
        }

    @connection_field(
        ReadinessReviewTemplate,
        description="Every readiness checklist template version you may read (the org's and "
        "your BUs'), oldest first.",
    )
    def readiness_review_templates(r: Reader, page: PageArgs) -> Awaitable[Page[Any]]:
        return rq.templates(r, **page)


@strawberry.type
class ReadinessReviewMutation:
    @template_payload.mutation(
        templates.create_template,
        description="Create a readiness checklist template: org-wide (RMO) or for a BU (its "
        "admins; it only adds items, never takes an org template's key).",
    )
    def readiness_review_template_create(
        input: ri.ReadinessReviewTemplateCreateInput,
    ) -> cmd.CreateTemplate:
        return ri.template_create(input)

    @template_payload.mutation(
        templates.revise_template, description="Revise a template: adds version+1."
    )
    def readiness_review_template_revise(
        input: ri.ReadinessReviewTemplateReviseInput,
    ) -> cmd.ReviseTemplate:
        return ri.template_revise(input)

    @review_payload.mutation(
        reviews.open_review,
        description="Open a release's readiness review, its checklist from the templates that "
        "apply to the tiers of its services.",
    )
    def readiness_review_open(input: ri.ReadinessReviewOpenInput) -> cmd.OpenReview:
        return cmd.OpenReview(from_global_id(input.release_id, "Release", "releaseId"))

    @review_payload.mutation(
        launch_reviews.open_service_review,
        description="Open a service's first-launch readiness review (it never reached "
        "production), its checklist from the templates that apply to its tier. Its evidence, "
        "sign-off (never by whoever opened it) and reopening are the review's usual mutations.",
    )
    def readiness_review_open_for_service(
        input: ri.ReadinessReviewOpenForServiceInput,
    ) -> cmd.OpenServiceReview:
        return cmd.OpenServiceReview(from_global_id(input.service_id, "Service", "serviceId"))

    @review_payload.mutation(
        reviews.record_evidence,
        description="Record (or replace) the evidence of one checklist item of an open review.",
    )
    def readiness_review_record_evidence(
        input: ri.ReadinessReviewRecordEvidenceInput,
    ) -> cmd.RecordEvidence:
        return cmd.RecordEvidence(
            review_id=ri.review_id(input),
            version=input.version,
            item_key=input.item_key,
            evidence_url=input.evidence_url,
            note=input.note,
            checked_at=input.checked_at,
            expires_at=input.expires_at,
        )

    @review_payload.mutation(
        reviews.sign_off_review,
        description="Sign the review off: an SRE who is neither the release's owner nor one of "
        "its authors (CONFLICT_OF_INTEREST), with nothing missing (ITEMS_MISSING).",
    )
    def readiness_review_sign_off(input: ri.ReadinessReviewSignOffInput) -> cmd.SignOffReview:
        return cmd.SignOffReview(ri.review_id(input), input.version, input.note)

    @review_payload.mutation(
        reviews.reopen_review,
        description="Withdraw a review's sign-off (something changed); it must be signed again.",
    )
    def readiness_review_reopen(input: ri.ReadinessReviewReopenInput) -> cmd.ReopenReview:
        return cmd.ReopenReview(ri.review_id(input), input.version, input.reason)

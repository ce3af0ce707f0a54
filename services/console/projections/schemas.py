"""The projections API's shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class CheckpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    event_type: str = Field(description="The versioned event type, e.g. `registry.member.approved.v1`.")
    producer: str = Field(description="The service that emits it.")
    stream: str = Field(description="The JetStream stream it is stored in.")
    sequence: int = Field(description="The highest stream sequence applied to the read models.")
    applied: int = Field(description="How many events of the type the read models hold.")
    updated_at: datetime = Field(description="When the last one was applied (UTC).")

"""Webhooks per member: endpoints, signed deliveries (Standard Webhooks), rotation, disable."""

#!/usr/bin/env python3
"""HelloCharm in Python ops 3.9: the reference the Rust HelloCharm's hook-tool calls are compared with."""
import logging
import ops
logger = logging.getLogger(__name__)

class HelloCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(installed=False, things=[])
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.fortune_action, self._on_fortune)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.db_relation_changed, self._on_db_changed)

    def _on_install(self, event):
        self.unit.status = ops.MaintenanceStatus("Installing application packages")
        self.unit.set_workload_version("3.10")
        self.unit.status = ops.ActiveStatus()
        self._stored.installed = True

    def _on_config_changed(self, event):
        current = self.model.config["thing"]
        logger.info("thing is now \"%s\"", current)
        if not self._stored.things or self._stored.things[-1] != current:
            self._stored.things.append(current)
        self.unit.status = ops.ActiveStatus(f"hello, {current}")

    def _on_start(self, event):
        planned = self.app.planned_units()
        logger.info("%s of %s starting; %d unit(s) planned; %d container(s)",
                    self.unit.name, self.meta.name, planned, len(self.meta.containers))
        if self.unit.is_leader():
            self.app.status = ops.ActiveStatus(f"{planned} unit(s) planned")

    def _on_fortune(self, event):
        event.log("consulting the oracle")
        event.set_results({"fortune": event.params.get("fortune", "x")})

    def _on_update_status(self, event):
        thing = self.model.config["thing"]
        rel = self.model.get_relation("db")
        self.unit.status = ops.ActiveStatus(f"hello, {thing}" + (" (db related)" if rel else ""))

    def _on_db_changed(self, event):
        # In Rust the db requirer component reads this and emits its own event.
        remote = event.relation.data[event.relation.app]
        if remote.get("endpoints"):
            logger.info("database endpoints: %s", remote["endpoints"])
        if not self._stored.installed:
            logger.info("not installed yet; deferring db:%d", event.relation.id)
            event.defer()
            return
        event.relation.data[self.unit]["greeting"] = self.model.config["thing"]
        if self.unit.is_leader():
            event.relation.data[self.app]["database"] = "hello"

if __name__ == "__main__":
    ops.main(HelloCharm)

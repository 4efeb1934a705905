// The correct forms of everything the compile-fail cases get wrong.
use ops::hello::Meta;
use ops::hello::actions::FortuneParams;
use ops::hello::containers::Pause;
use ops::hello::relations::Db;

struct Charm {
    model: ops::Model<Meta>,
}

impl ops::CharmBase for Charm {
    type Meta = Meta;

    fn new(framework: &mut ops::Framework<Self>) -> Self {
        framework.observe(framework.on().config_changed, Self::on_config_changed);
        framework.observe(framework.on().fortune_action, Self::on_fortune);
        framework.observe(framework.on().db_relation_changed, Self::on_db_changed);
        framework.observe(framework.on().pause_pebble_ready, Self::on_pebble_ready);
        Charm { model: framework.model() }
    }
}

impl Charm {
    fn on_config_changed(&mut self, _event: &ops::ConfigChangedEvent) -> ops::HandlerResult {
        let thing: &String = &self.model.config()?.thing;
        let _container = self.model.unit().container::<Pause>();
        self.model.unit().set_status(ops::ActiveStatus::new(thing.clone()))?;
        self.model.unit().set_status(ops::BlockedStatus::new("b"))?;
        self.model.unit().set_status(ops::MaintenanceStatus::new("m"))?;
        self.model.unit().set_status(ops::WaitingStatus::new("w"))?;
        if let Some(leader) = self.model.unit().is_leader()? {
            self.model.app().set_status(&leader, ops::ActiveStatus::default())?;
        }
        let _read: ops::StatusValue = self.model.unit().status()?;
        Ok(())
    }

    fn on_fortune(&mut self, event: &ops::ActionEvent<FortuneParams>) -> ops::HandlerResult {
        let fortune: Option<&str> = event.params.fortune.as_deref();
        event.set_results([("fortune", fortune.unwrap_or("none"))])?;
        Ok(())
    }

    fn on_db_changed(&mut self, event: &ops::RelationChangedEvent<Db>) -> ops::HandlerResult {
        let remote = event.relation.remote_app_data()?;
        let _endpoints: Option<&String> = remote.get("endpoints");
        event.relation.local_unit_data().set("k", "v")?;
        if let Some(leader) = self.model.unit().is_leader()? {
            event.relation.local_app_data(&leader).set("k", "v")?;
        }
        Ok(())
    }

    fn on_pebble_ready(&mut self, event: &ops::PebbleReadyEvent<Pause>) -> ops::HandlerResult {
        let _name: &str = event.workload.name();
        Ok(())
    }
}

fn main() {}

//! Ports a unit opens: `open-port`, `close-port`, `opened-ports`.

use super::ModelError;

/// A network protocol for [`Port`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP (no port number).
    Icmp,
}

/// A port to open: `Port::tcp(8080)`, `Port::icmp()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Port {
    protocol: Protocol,
    port: Option<u16>,
}

impl Port {
    /// A TCP port.
    pub fn tcp(port: u16) -> Self {
        Port { protocol: Protocol::Tcp, port: Some(port) }
    }

    /// A UDP port.
    pub fn udp(port: u16) -> Self {
        Port { protocol: Protocol::Udp, port: Some(port) }
    }

    /// ICMP.
    pub fn icmp() -> Self {
        Port { protocol: Protocol::Icmp, port: None }
    }

    /// The protocol.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The port number (`None` for ICMP).
    pub fn number(&self) -> Option<u16> {
        self.port
    }
}

/// As the port tools take it: `8080/tcp`, `icmp`.
impl std::fmt::Display for Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.protocol, self.port) {
            (Protocol::Tcp, Some(p)) => write!(f, "{p}/tcp"),
            (Protocol::Udp, Some(p)) => write!(f, "{p}/udp"),
            _ => f.write_str("icmp"),
        }
    }
}

/// Parses `opened-ports` output: `8080/tcp`, `53/udp`, `icmp`, or a bare `80` (TCP).
impl std::str::FromStr for Port {
    type Err = ModelError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || ModelError::InvalidPort(text.to_owned());
        if text == "icmp" {
            return Ok(Port::icmp());
        }
        let (number, protocol) = text.split_once('/').unwrap_or((text, "tcp"));
        let number: u16 = number.parse().map_err(|_| invalid())?;
        match protocol {
            "tcp" => Ok(Port::tcp(number)),
            "udp" => Ok(Port::udp(number)),
            _ => Err(invalid()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_and_print() {
        for text in ["8080/tcp", "53/udp", "icmp"] {
            assert_eq!(text.parse::<Port>().unwrap().to_string(), text);
        }
        assert_eq!("80".parse::<Port>().unwrap(), Port::tcp(80));
        assert!("1000-2000/udp".parse::<Port>().is_err());
        assert!("80/sctp".parse::<Port>().is_err());
    }
}

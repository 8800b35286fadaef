"""An ELB Pulumi creates (`elb.managed`): a shared `elb.Loadbalancer` or a dedicated
`dedicatedelb.Loadbalancer`, with its EIP and bandwidth when asked for."""

from __future__ import annotations

import pulumi

from ..core.model import ManagedElb

# (load_balancer_ip, public_ip): the ELB's private VIP and its EIP.
Addresses = tuple[pulumi.Output[str | None], pulumi.Output[str | None]]


def managed_elb(
    name: str,
    managed: ManagedElb,
    dedicated: bool,
    vpc_id: str | None,
    child: pulumi.ResourceOptions,
) -> tuple[pulumi.Output[str], Addresses]:
    from pulumi_huaweicloud import dedicatedelb, elb, vpc

    protected = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(protect=managed.protect))
    eip: vpc.Eip | None = None
    if managed.eip is not None:
        bw = managed.eip.bandwidth
        if bw.share_type == "WHOLE":
            shared_id: pulumi.Input[str]
            if bw.id is not None:
                shared_id = bw.id
            else:
                shared = vpc.Bandwidth(
                    f"{name}-bandwidth",
                    name=bw.name,
                    size=bw.size,
                    charge_mode="bandwidth",
                    opts=protected,
                )
                shared_id = shared.id
            bandwidth = vpc.EipBandwidthArgs(share_type="WHOLE", id=shared_id)
        else:
            bandwidth = vpc.EipBandwidthArgs(
                share_type="PER", name=bw.name, size=bw.size, charge_mode=bw.charge_mode
            )
    if dedicated:
        if managed.eip is not None:
            eip = vpc.Eip(
                f"{name}-eip",
                publicip=vpc.EipPublicipArgs(type=managed.eip.type),
                bandwidth=bandwidth,
                opts=protected,
            )
        lb_dedicated = dedicatedelb.Loadbalancer(
            f"{name}-elb",
            name=managed.name,
            vpc_id=vpc_id,
            ipv4_subnet_id=managed.ipv4_subnet_id or managed.subnet_id,
            availability_zones=managed.availability_zones or [],
            l4_flavor_id=managed.l4_flavor_id,
            l7_flavor_id=managed.l7_flavor_id,
            ipv4_eip_id=eip.id if eip is not None else None,
            opts=protected,
        )
        public = eip.address if eip is not None else pulumi.Output.from_input(None)
        return lb_dedicated.id, (lb_dedicated.ipv4_address, public)
    lb_shared = elb.Loadbalancer(
        f"{name}-elb", name=managed.name, vip_subnet_id=managed.subnet_id, opts=protected
    )
    if managed.eip is not None:
        # Binding at creation through the VIP port: no separate association resource to keep in sync.
        eip = vpc.Eip(
            f"{name}-eip",
            publicip=vpc.EipPublicipArgs(type=managed.eip.type, port_id=lb_shared.vip_port_id),
            bandwidth=bandwidth,
            opts=protected,
        )
    public = eip.address if eip is not None else pulumi.Output.from_input(None)
    return lb_shared.id, (lb_shared.vip_address, public)

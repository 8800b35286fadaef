"""Configuration shape, stack files and cluster lookup (PT9xx)."""

from __future__ import annotations

from .. import sources as src
from .rule import INFO, E, Rule

RULES = [
    Rule(
        "PT901",
        E,
        "unknown configuration key",
        "A misspelt key would otherwise be ignored silently and its intent lost.",
        "Remove the key or correct its spelling.",
        (src.README_CONFIG,),
    ),
    Rule(
        "PT902",
        E,
        "configuration value of the wrong type",
        "Values drive resource inputs and checks; a wrong type cannot be interpreted safely.",
        "Give the value the documented type.",
        (src.README_CONFIG,),
    ),
    Rule(
        "PT903",
        E,
        "required configuration key missing",
        "The value has no safe default.",
        "Add the key with a documented value.",
        (src.README_CONFIG,),
    ),
    Rule(
        "PT904",
        E,
        "cluster lookup failed or contradicts the declared facts",
        "Checks use the cluster's version, flavor and VPC; when the lookup fails or disagrees with what the "
        "stack declares, the checks would rest on wrong facts.",
        "Fix the cluster name, region and credentials, or correct the declared cluster facts to match.",
        (src.TF_CCE_DS, src.PULUMI_HW),
    ),
    Rule(
        "PT905",
        E,
        "project or stack file cannot be read",
        "Only a regular file of at most 16 MiB of UTF-8 text is read: a FIFO, a device such as /dev/zero or a "
        "directory would block the preview or never end, and a missing or unreadable file has nothing to "
        "preview. The command cannot run (exit 2).",
        "Pass the path of the stack file itself (stacks/Pulumi.<stack>.yaml), readable and UTF-8 encoded.",
        "https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/ docs/reliability.md",
    ),
    Rule(
        "PT906",
        E,
        "project or stack file is not YAML shaped like one",
        "A stack file is one YAML mapping with a config: mapping; a project file names the project and its "
        "program. Anything else cannot be read as Pulumi would read it. The command cannot run (exit 2).",
        "Correct the YAML at the line the message names.",
        "https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/",
    ),
    Rule(
        "PT907",
        E,
        "stack file passes the reader's limits (aliases, nesting, size)",
        'YAML aliases can make a few hundred bytes expand to gigabytes ("billion laughs"), or refer to '
        "themselves; the file is refused before anything is expanded when its size, its nesting or its "
        "expansion passes the documented limits. The command cannot run (exit 2).",
        "Write the values out, without aliases that expand to such a size or refer to themselves.",
        "https://yaml.org/spec/1.2.2/#3222-anchors-and-aliases docs/reliability.md",
    ),
    Rule(
        "PT908",
        E,
        "duplicate key in a stack file",
        "YAML requires the keys of a mapping to be unique; a reader that accepts a duplicate keeps one value "
        "silently, and the Pulumi CLI refuses the file.",
        "Keep one of the two keys and delete the other.",
        "https://yaml.org/spec/1.2.2/#mapping",
    ),
    Rule(
        "PT909",
        E,
        "YAML tag Pulumi config cannot hold (!!binary, !!set, custom tags)",
        "Pulumi config values are strings, numbers, booleans, null, lists and mappings; a tag such as "
        "!!binary, !!set, !!omap or a custom !Tag would silently become something else on its way to the "
        "program.",
        "Remove the tag and write the value as plain text, a number, a list or a mapping.",
        "https://www.pulumi.com/docs/iac/concepts/config/#structured-configuration https://yaml.org/type/",
    ),
    Rule(
        "PT910",
        E,
        "mapping key that is not a string",
        "YAML reads 1, true, null or a date as a key of that type, which Pulumi config (JSON) turns into text "
        "or cannot hold at all; the key the program sees is not the one written.",
        "Quote the key, or correct it.",
        "https://www.pulumi.com/docs/iac/concepts/config/#structured-configuration",
    ),
    Rule(
        "PT911",
        E,
        "number too long for any setting",
        "No setting takes a number of more than 64 characters; reading one costs time and memory for nothing.",
        "Use a number in the range the setting documents.",
        "https://yaml.org/type/int.html docs/reliability.md",
    ),
    Rule(
        "PT912",
        E,
        "--render DIR cannot be written safely",
        "The render writes only inside DIR, never through a symbolic link, and replaces or removes only "
        "files it wrote itself (its manifest records each one's SHA-256); a planned file name taken by a "
        "file of yours, one you edited, a link, a FIFO or a directory stops it before anything is written. "
        "The command cannot run (exit 2).",
        "Move the entries the message names out of DIR, or render into an empty directory.",
        "docs/reliability.md",
    ),
    Rule(
        "PT913",
        E,
        "the policy pack could not run over the plan",
        "`--policy-pack` runs the pack's policies over every planned resource; when the pack itself raises, "
        "none of its policies was checked, and a clean result would be a false one. The plan is still shown.",
        "Run `pulumi preview --policy-pack ./policy` to see the pack's own error, or report it with this message.",
        "docs/reliability.md",
    ),
    Rule(
        "PT930",
        E,
        "shareWith an autocreated ELB whose id CCE did not write back",
        "A Service joins an existing ELB through kubernetes.io/elb.id, which is mandatory for it. The id of an "
        "ELB CCE autocreates is known only from the annotation CCE writes onto the owner's Service (the "
        "Service read back in cce_10_0924 carries it); if it is missing when `pulumi up` has created the "
        "owner, the sharing Service is not sent rather than sent with an empty id.",
        "Run `pulumi up --refresh` once the owner's Service shows kubernetes.io/elb.id, or share through "
        "existing: {id: <the ELB's id>}.",
        (src.OTC_ANN, src.OTC_EIP),
    ),
    Rule(
        "PT931",
        INFO,
        "a service's namespace is not created by the stack",
        "Kubernetes refuses a Deployment or Service in a namespace that does not exist, so the first "
        "`pulumi up` on a fresh cluster fails unless the namespace is there; the stack creates it only when "
        "cce-passthrough:createNamespaces is true.",
        "Set cce-passthrough:createNamespaces: true, or create the namespace first and set "
        "createNamespaces: false.",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/",
    ),
    Rule(
        "PT932",
        E,
        "credential in plain text in the stack file",
        "Huawei Cloud access and secret keys and a kubeconfig's contents give control of the cloud account and "
        "the cluster; as plain text in a stack file they are readable by anyone with the file or its version "
        "history. Pulumi keeps a `secure:` value encrypted and treats it as a secret everywhere.",
        "Store it with `pulumi config set --secret <key> <value>`, or leave it out and use the environment "
        "(HW_ACCESS_KEY, HW_SECRET_KEY, KUBECONFIG).",
        "https://www.pulumi.com/docs/iac/concepts/secrets/",
    ),
]

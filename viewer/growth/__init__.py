"""The tooth at the child's age and in a root/canal variant: `model` (pure), `logic` (typed state), `ui`."""

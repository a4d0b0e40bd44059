import numpy as np
import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import grad, jit, vmap, random, tree_util
from tapegrad.tree_util import register_pytree_node, register_pytree_node_class, tree_flatten, tree_unflatten, tree_map, tree_leaves, tree_structure
from typing import NamedTuple, Any
import functools

example_trees = [
    [1, 'a', object()],
    (1, (2, 3), ()),
    [1, {'k1': 2, 'k2': (3, 4)}, 5],
    {'a': 2, 'b': (2, 3)},
    jnp.array([1, 2, 3]),
]
for pytree in example_trees:
    leaves = jax.tree_util.tree_leaves(pytree)
    print(f"{repr(pytree):<45} has {len(leaves)} leaves")

list_of_lists = [[1, 2, 3], [1, 2], [1, 2, 3, 4]]
print(jax.tree.map(lambda x: x * 2, list_of_lists))
another_list_of_lists = list_of_lists
print(jax.tree.map(lambda x, y: x + y, list_of_lists, another_list_of_lists))

def init_mlp_params(layer_widths):
    params = []
    for n_in, n_out in zip(layer_widths[:-1], layer_widths[1:]):
        params.append(dict(weights=np.random.normal(size=(n_in, n_out)) * np.sqrt(2 / n_in),
                           biases=np.ones(shape=(n_out,))))
    return params
np.random.seed(0)
params = init_mlp_params([1, 128, 128, 1])
print(jax.tree.map(lambda x: x.shape, params))

def forward(params, x):
    *hidden, last = params
    for layer in hidden:
        x = jax.nn.relu(x @ layer['weights'] + layer['biases'])
    return x @ last['weights'] + last['biases']

def loss_fn(params, x, y):
    return jnp.mean((forward(params, x) - y) ** 2)

LEARNING_RATE = 0.0001

@jax.jit
def update(params, x, y):
    grads = jax.grad(loss_fn)(params, x, y)
    return jax.tree.map(lambda p, g: p - LEARNING_RATE * g, params, grads)

xs = np.random.normal(size=(128, 1))
ys = xs ** 2
l0 = loss_fn(params, xs, ys)
for _ in range(100):
    params = update(params, xs, ys)
l1 = loss_fn(params, xs, ys)
print(l0, l1)

# custom pytree nodes
class MyContainer:
    def __init__(self, name: str, a: int, b: int, c: int):
        self.name = name
        self.a = a
        self.b = b
        self.c = c

def flatten_MyContainer(container):
    flat_contents = [container.a, container.b, container.c]
    aux_data = container.name
    return flat_contents, aux_data

def unflatten_MyContainer(aux_data, flat_contents):
    return MyContainer(aux_data, *flat_contents)

jax.tree_util.register_pytree_node(MyContainer, flatten_MyContainer, unflatten_MyContainer)
print(jax.tree_util.tree_leaves([MyContainer('Alice', 1, 2, 3), MyContainer('Bob', 4, 5, 6)]))

class MyOtherContainer(NamedTuple):
    name: str
    a: Any
    b: Any
    c: Any
print(jax.tree_util.tree_leaves([MyOtherContainer('Alice', 1, 2, 3), MyOtherContainer('Bob', 4, 5, 6)]))

@register_pytree_node_class
class Special:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def tree_flatten(self):
        return ((self.x, self.y), None)
    @classmethod
    def tree_unflatten(cls, aux_data, children):
        return cls(*children)

def special_loss(s):
    return jnp.sum(s.x ** 2) + jnp.sum(jnp.sin(s.y))
g = grad(special_loss)(Special(jnp.array([1.0, 2.0]), jnp.array(0.5)))
special_grads = (g.x, g.y)
print(type(g).__name__, g.x, g.y)

from dataclasses import dataclass
@functools.partial(jax.tree_util.register_dataclass, data_fields=['a', 'b'], meta_fields=['name'])
@dataclass
class DC:
    name: str
    a: Any
    b: Any
print(jax.tree_util.tree_leaves(DC('x', 1.0, 2.0)))
dc_grad = grad(lambda d: d.a * d.b)(DC('x', 3.0, 4.0)).a
print(dc_grad)

# None is an empty pytree; tree_structure, tree_flatten/unflatten
print(jax.tree_util.tree_leaves([None, None, None]))
print(jax.tree.structure([None, 1]))
leaves, treedef = tree_flatten({'a': (1., 2.), 'b': [3.]})
print(leaves, treedef.num_leaves)
print(tree_unflatten(treedef, [x * 10 for x in leaves]))
a_tree = [jnp.zeros((2, 3)), jnp.zeros((3, 4))]
shapes = jax.tree.map(lambda x: x.shape, a_tree)
print(jax.tree.map(jnp.ones, shapes, is_leaf=lambda x: isinstance(x, tuple) and all(isinstance(i, int) for i in x)))
print(jax.tree.leaves([1, (2, [3, 4])]))
print(jax.tree_util.tree_map_with_path(lambda p, x: x * 2, {'a': 1, 'b': [2, 3]}))
print([jax.tree_util.keystr(p) for p, _ in jax.tree_util.tree_flatten_with_path({'a': 1, 'b': [2, 3]})[0]])
# transposing trees
def tree_transpose(list_of_trees):
    return jax.tree.map(lambda *xs: list(xs), *list_of_trees)
episode_steps = [dict(t=1, obs=3), dict(t=2, obs=4)]
print(tree_transpose(episode_steps))
transposed = (jax.tree.transpose(outer_treedef=jax.tree.structure([0 for e in episode_steps]),
                         inner_treedef=jax.tree.structure(episode_steps[0]),
                         pytree_to_transpose=episode_steps))
print(transposed)
print(jax.tree.reduce(lambda a, b: a + b, [1, (2, 3)]))
print(jax.tree_util.tree_all([True, (True, 1)]))

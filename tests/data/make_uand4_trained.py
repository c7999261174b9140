import sys, json
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[2]))
import torch
from superpos_formal.tasks import uand
torch.set_num_threads(1)
task = uand(4)
torch.manual_seed(1)
X = torch.tensor(task.inputs, dtype=torch.float32)
Y = torch.tensor(task.outputs, dtype=torch.float32)
net = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 6))
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
for i in range(3000):
    opt.zero_grad(); loss = ((net(X) - Y) ** 2).mean(); loss.backward(); opt.step()
sd = {k: v.tolist() for k, v in net.state_dict().items()}
doc = {"what": "Linear(4,6)-ReLU-Linear(6,6) trained on uand(m=4), X(4,2), MSE to 0/1 targets, readout [z >= 0.5]",
       "how": "torch 2.13.0 CPU, 1 thread, torch.manual_seed(1), SGD lr=0.05 momentum=0.9, 3000 full-batch steps (tests/data/make_uand4_trained.py)",
       "loss": loss.item(), "state_dict": sd}
json.dump(doc, open(__import__('pathlib').Path(__file__).with_name('uand4_trained.json'), 'w'), indent=1)
print(loss.item())

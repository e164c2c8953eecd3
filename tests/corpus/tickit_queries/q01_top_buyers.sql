-- Top five buyers by number of tickets bought
select top 5 buyerid, sum(qtysold) as total_quantity
from sales
group by buyerid
order by total_quantity desc;
